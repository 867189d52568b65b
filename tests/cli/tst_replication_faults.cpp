// Fault injection (issue 4 item 5): a root `digoal_01` and a leaf `dst1` in
// two clusters of their own, set up and run with the real `ferry` binary,
// under the seed's pgbench load (login.sql and logout.sql, 2 + 2 clients).
// Each scenario breaks something during the load -- the leaf's server, the
// root's server, the leaf worker (SIGKILL, again and again), the ticker --
// or re-subscribes a table under load, and then proves the leaf caught up:
// every table equal row by row once the leaf passed a tick forced after the
// load, and nothing applied twice (an ALWAYS trigger on the leaf records
// every UPDATE of the insert-only tables user_login_rec/user_logout_rec: an
// insert event applied a second time, by a re-run batch or by an event the
// initial copy already held, lands there as an upsert's update).
//
// The workers run in the foreground (QProcess, log on stderr into a file);
// they get SIGKILL when the test process dies, and cleanup() kills every
// one of them and every pgbench, also when an assertion failed.
//
// FERRY_FAULT_SCALE (default 1) scales the load durations, FERRY_FAULT_RATE
// (default 300) is each pgbench's rate in transactions per second, and
// FERRY_FAULT_SEED fixes the random kill moments.
#include "db/connection.h"
#include "ferryprocess.h"
#include "pgcluster.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>
#include <functional>
#include <memory>
#include <optional>
#include <sys/prctl.h>

using namespace ferry;
using ferry::test::PgCluster;
using ferry::test::processAlive;
using ferry::test::readText;

namespace {

const QString kQueue = QStringLiteral("replika");
const QString kRootJob = QStringLiteral("digoal_01_worker");
const QString kLeafJob = QStringLiteral("dst1_worker");
const QString kSecret = QStringLiteral("Sekr1tPw");
const QStringList kTables = {QStringLiteral("digoal_01.user_info"),
                             QStringLiteral("digoal_01.user_session"),
                             QStringLiteral("digoal_01.user_login_rec"),
                             QStringLiteral("digoal_01.user_logout_rec")};

double envNumber(const char *name, double fallback)
{
    bool ok = false;
    const double v = qEnvironmentVariable(name).toDouble(&ok);
    return ok && v > 0 ? v : fallback;
}

int scaledMs(double seconds)
{
    return int(seconds * envNumber("FERRY_FAULT_SCALE", 1.0) * 1000);
}

// The children die with the test, whatever kills it.
void dieWithParent()
{
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
}

FerryRunAlias:;
} // namespace
