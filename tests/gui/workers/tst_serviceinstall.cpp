// Worker > Install as a Service… with a real CONFIG.ini (a password in its db
// line) and the unit file and /etc/ferry made in a temporary folder; pkexec
// and systemctl are never run: the menu's runner records the command line and
// answers as the test says. No server: nothing here reads a database.
//
// With FERRY_SCREENSHOT_DIR set, saves install-service.png there; the dialog
// as the tests see it goes to /tmp/install-service-*.png.
#include "config/jobconfig.h"
#include "config/jobconfigwriter.h"
#include "workers/serviceinstall.h"
#include "workers/serviceinstalldialog.h"
#include "workers/workermenu.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::gui;

namespace {

const QString kJob = QStringLiteral("leaf_job");
const QString kPassword = QStringLiteral("s3cret-pw");

struct Run
{
    QString program;
    QStringList arguments;
};

// Sets environment variables for one scope; restores them after.
class EnvGuard
{
public:
    EnvGuard(std::initializer_list<std::pair<const char *, QByteArray>> values)
    {
        for (const auto &[name, value] : values) {
            m_saved.append({name, qgetenv(name)});
            qputenv(name, value);
        }
    }
    ~EnvGuard()
    {
        for (const auto &[name, value] : m_saved) {
            if (value.isNull())
                qunsetenv(name);
            else
                qputenv(name, value);
        }
    }

private:
    QList<std::pair<const char *, QByteArray>> m_saved;
};

template<typename T>
T *shown(const QString &name)
{
    for (QWidget *widget : QApplication::topLevelWidgets()) {
        if (widget->objectName() == name && widget->isVisible())
            return qobject_cast<T *>(widget);
    }
    return nullptr;
}

// Saves `widget` as /tmp/`name`, or, for the docs (`docs`), in
// FERRY_SCREENSHOT_DIR when set.
bool saveShot(QWidget *widget, const QString &name, bool docs = false)
{
    QTest::qWait(50);
    const QString dir = docs ? qEnvironmentVariable("FERRY_SCREENSHOT_DIR", QStringLiteral("/tmp"))
                             : QStringLiteral("/tmp");
    return widget->grab().save(QDir(dir).filePath(name));
}

} // namespace

class TestServiceInstall : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void offeredOnlyWithTheUnitAndAConfig();
    void confirmationNamesFileAndCommands();
    void writtenConfigHasNoPasswordAndServicePaths();
    void serviceLogsInAsThisSessionsRole();
    void pkexecRunsTheExactCommand();
    void pkexecFailureShowsOneLine();
    void existingFileIsReplacedOnlyAfterAsking();
    void hiddenExistingFileIsAskedAboutAfterPkexec();
    void rootWritesInPlaceOnlyWithGroupFerry();
    void sessionEnvironmentIsWrittenOut();
    void pgserviceIsResolvedAsLibpqDoes();
    void settingsTheServiceCannotUseAreRefused();
    void workerThatDiesIsReportedNotRunning();
    void enableOnlyDoesNotStart();
    void scriptWritesTheConfigAsRoot();
    void scriptStepsHaveTheirOwnExitCodes();
    void defaultSslFilesOfThisUserAreRefused();
    void passfileIsNamedInTheHint();

private:
    // Opens the dialog from the menu; null when it did not show.
    ServiceInstallDialog *openDialog();
    ServiceInstallOptions options(bool pkexec) const;
    QString writeConfig(const QString &name, const QString &db) const;

    QTemporaryDir m_dir;
    QString m_configPath;
    QString m_unit;
    QString m_etc;
    std::unique_ptr<QMainWindow> m_window;
    WorkerMenu *m_menu = nullptr;
    QList<Run> m_runs;
    int m_answerCode = 0;
    QString m_answerError;
    int m_activeCode = 0; // systemctl is-active: 0 active, 3 not
};

void TestServiceInstall::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // The session's libpq environment is what the tests set, nothing else.
    for (const QString &name : QProcess::systemEnvironment()) {
        if (name.startsWith(QStringLiteral("PG")))
            qunsetenv(qPrintable(name.section(QLatin1Char('='), 0, 0)));
    }
    // The dialog's staging folders, kept after a failed install, go with m_dir.
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("tmp"))));
    qputenv("TMPDIR", QFile::encodeName(m_dir.filePath(QStringLiteral("tmp"))));
    // libpq's ~/.postgresql is the test's (libpq 15 reads $HOME first).
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("home"))));
    qputenv("HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("home"))));
    m_configPath = m_dir.filePath(QStringLiteral("leaf.ini"));
    QFile file(m_configPath);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QStringLiteral("[ferry]\n"
                              "job_name = %1\n"
                              "db = host=db1.example.com port=5433 dbname=digoal_02 user=repl "
                              "password=%2\n"
                              "queue_name = replika\n"
                              "logfile = %3/leaf_job.log\n"
                              "pidfile = %3/leaf_job.pid\n"
                              "loop_delay = 0.25\n"
                              "parallel_copies = 3\n")
                   .arg(kJob, kPassword, m_dir.path())
                   .toUtf8());
    file.close();
    QVERIFY(JobConfig::load(m_configPath));
    m_unit = m_dir.filePath(QStringLiteral("ferry-worker@.service"));
    m_etc = m_dir.filePath(QStringLiteral("etc-ferry"));
}

void TestServiceInstall::init()
{
    QFile::remove(m_unit);
    QDir(m_etc).removeRecursively();
    QVERIFY(QDir().mkpath(m_etc));
    QFile unit(m_unit);
    QVERIFY(unit.open(QIODevice::WriteOnly));
    unit.write("[Service]\nExecStart=/usr/bin/ferry /etc/ferry/%i.ini worker\n");
    unit.close();
    m_runs.clear();
    m_answerCode = 0;
    m_answerError.clear();
    m_activeCode = 0;
    m_window = std::make_unique<QMainWindow>();
    m_window->resize(800, 600);
    m_menu = new WorkerMenu(nullptr, nullptr, m_window.get());
    m_menu->setServiceInstallOptions(options(false));
    m_menu->setConfig(*JobConfig::load(m_configPath));
    m_window->show();
}

void TestServiceInstall::cleanup()
{
    for (QWidget *widget : QApplication::topLevelWidgets()) {
        if (qobject_cast<QDialog *>(widget))
            widget->close();
    }
    m_window.reset();
    QApplication::processEvents();
}

ServiceInstallOptions TestServiceInstall::options(bool pkexec) const
{
    ServiceInstallOptions o;
    o.unitPath = m_unit;
    o.configFolder = m_etc;
    o.pkexecProgram = pkexec ? QStringLiteral("/usr/bin/pkexec") : QString();
    o.privileged = false;
    o.settleMs = 10;
    auto *self = const_cast<TestServiceInstall *>(this);
    o.runner = [self](const QString &program, const QStringList &arguments, QObject *,
                      std::function<void(int, const QString &)> done) {
        self->m_runs.append({program, arguments});
        if (arguments.value(0) == QLatin1String("is-active"))
            done(self->m_activeCode, QString());
        else
            done(self->m_answerCode, self->m_answerError);
    };
    return o;
}

QString TestServiceInstall::writeConfig(const QString &name, const QString &db) const
{
    const QString path = m_dir.filePath(name + QStringLiteral(".ini"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(QStringLiteral("[ferry]\njob_name = %1\ndb = %2\nqueue_name = replika\n")
                   .arg(name, db)
                   .toUtf8());
    return path;
}

ServiceInstallDialog *TestServiceInstall::openDialog()
{
    auto *action = m_menu->findChild<QAction *>(QStringLiteral("actionInstallService"));
    if (!action || !action->isEnabled())
        return nullptr;
    action->trigger();
    ServiceInstallDialog *dialog = nullptr;
    (void)QTest::qWaitFor(
        [&dialog] {
            return (dialog = shown<ServiceInstallDialog>(QStringLiteral("installServiceDialog")));
        },
        3000);
    return dialog;
}

void TestServiceInstall::offeredOnlyWithTheUnitAndAConfig()
{
    auto *action = m_menu->findChild<QAction *>(QStringLiteral("actionInstallService"));
    QVERIFY(action);
    QVERIFY(action->isEnabled());
    m_menu->popup(QPoint(0, 0));
    QVERIFY(saveShot(m_menu, QStringLiteral("install-service-menu.png")));
    m_menu->hide();

    QVERIFY(QFile::remove(m_unit));
    m_menu->setServiceInstallOptions(options(false));
    QVERIFY(!action->isEnabled());
    QVERIFY2(action->toolTip().contains(m_unit), qPrintable(action->toolTip()));

    QVERIFY(QFile(m_unit).open(QIODevice::WriteOnly)); // the package installed it
    m_menu->setServiceInstallOptions(options(false));
    QVERIFY(action->isEnabled());

    m_menu->clearConfig();
    QVERIFY(!action->isEnabled());
    QVERIFY2(action->toolTip().contains(QStringLiteral("CONFIG.ini")),
             qPrintable(action->toolTip()));

    // job_name allows ':' and '@'; a unit's instance here does not.
    const QString odd = m_dir.filePath(QStringLiteral("odd.ini"));
    QFile file(odd);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[ferry]\njob_name = a:b\ndb = dbname=x\nqueue_name = q\n");
    file.close();
    m_menu->setConfig(*JobConfig::load(odd));
    QVERIFY(!action->isEnabled());
    QVERIFY2(action->toolTip().contains(QStringLiteral("a:b")), qPrintable(action->toolTip()));
}

void TestServiceInstall::confirmationNamesFileAndCommands()
{
    ServiceInstallDialog *dialog = openDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->isModal() || dialog->windowModality() != Qt::NonModal);
    const QString target = QDir(m_etc).filePath(kJob + QStringLiteral(".ini"));
    const QString staged = dialog->stagedFile();
    QVERIFY(staged.endsWith(QStringLiteral("/leaf_job.ini")));

    auto *question = dialog->findChild<QLabel *>(QStringLiteral("installServiceQuestion"));
    auto *details = dialog->findChild<QLabel *>(QStringLiteral("installServiceDetails"));
    auto *commands = dialog->findChild<QPlainTextEdit *>(QStringLiteral("installServiceCommands"));
    auto *pgpass = dialog->findChild<QLineEdit *>(QStringLiteral("installServicePgpass"));
    QVERIFY(question && details && commands && pgpass);
    QVERIFY(question->text().contains(QStringLiteral("ferry-worker@leaf_job")));
    QVERIFY2(details->text().contains(target), qPrintable(details->text()));
    QVERIFY(details->text().contains(QStringLiteral("/var/log/ferry/leaf_job.log")));
    QVERIFY(details->text().contains(QStringLiteral("/run/ferry/leaf_job.pid")));
    QVERIFY(details->text().contains(QStringLiteral("without the password")));
    QCOMPARE(commands->toPlainText(),
             QStringLiteral("sudo install -m 0640 -o root -g ferry %1 %2\n"
                            "sudo systemctl enable --now ferry-worker@leaf_job")
                 .arg(staged, target));
    QCOMPARE(pgpass->text(), QStringLiteral("db1.example.com:5433:digoal_02:repl:"));
    QVERIFY(!pgpass->text().contains(kPassword));

    // Asking writes nothing.
    QVERIFY(!QFile::exists(staged));
    QVERIFY(!QFile::exists(target));
    QVERIFY(m_runs.isEmpty());

    QVERIFY(saveShot(dialog, QStringLiteral("install-service-test.png")));

    auto *copy = dialog->findChild<QPushButton *>(QStringLiteral("installServiceCopyCommands"));
    QVERIFY(copy);
    copy->click();
    QCOMPARE(QApplication::clipboard()->text(), commands->toPlainText());
    dialog->close();

    // For the docs: the paths a user sees (nothing is written before asking).
    ServiceInstallOptions real = options(false);
    real.configFolder = QStringLiteral("/etc/ferry");
    const QByteArray tmp = qgetenv("TMPDIR");
    qputenv("TMPDIR", "/tmp");
    auto *docs
        = new ServiceInstallDialog(*JobConfig::load(m_configPath), real, false, m_window.get());
    qputenv("TMPDIR", tmp);
    docs->open();
    QVERIFY(saveShot(docs, QStringLiteral("install-service.png"), true));
    QVERIFY(docs->stagedFile().startsWith(QStringLiteral("/tmp/ferry-service-")));
    const QString stagingDir = QFileInfo(docs->stagedFile()).path();
    docs->close();
    QApplication::processEvents();
    QVERIFY(!QFileInfo::exists(stagingDir)); // closed unanswered: nothing left behind
}

void TestServiceInstall::writtenConfigHasNoPasswordAndServicePaths()
{
    ServiceInstallDialog *dialog = openDialog();
    QVERIFY(dialog);
    const QString staged = dialog->stagedFile();
    auto *confirm = dialog->findChild<QPushButton *>(QStringLiteral("installServiceConfirm"));
    QVERIFY(confirm);
    confirm->click();

    QVERIFY(QFile::exists(staged));
    QFile file(staged);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY2(!text.contains(kPassword.toUtf8()), text.constData());
    QVERIFY(!text.contains("password="));
    auto loaded = JobConfig::load(staged);
    QVERIFY2(loaded, loaded ? "" : qPrintable(loaded.error().message()));
    QCOMPARE(loaded->jobName(), kJob);
    QCOMPARE(loaded->queueName(), QStringLiteral("replika"));
    QCOMPARE(loaded->logFile(), QStringLiteral("/var/log/ferry/leaf_job.log"));
    QCOMPARE(loaded->pidFile(), QStringLiteral("/run/ferry/leaf_job.pid"));
    QCOMPARE(loaded->db().value(QStringLiteral("host")), QStringLiteral("db1.example.com"));
    QCOMPARE(loaded->db().value(QStringLiteral("user")), QStringLiteral("repl"));
    QVERIFY(!loaded->db().contains(QStringLiteral("password")));
    QCOMPARE(loaded->loopDelay(), 0.25);
    QCOMPARE(loaded->parallelCopies(), 3);

    // Not root and no pkexec: the commands are the user's to run.
    QVERIFY(m_runs.isEmpty());
    QVERIFY(!QFile::exists(QDir(m_etc).filePath(kJob + QStringLiteral(".ini"))));
    auto *result = dialog->findChild<QLabel *>(QStringLiteral("installServiceResult"));
    QVERIFY(result && result->isVisible());
    QVERIFY2(result->text().contains(staged), qPrintable(result->text()));
    QVERIFY(saveShot(dialog, QStringLiteral("install-service-written.png")));
    dialog->close();
    QApplication::processEvents();
    QVERIFY(QFile::exists(staged)); // kept for the commands shown
    QDir(QFileInfo(staged).path()).removeRecursively();
}

void TestServiceInstall::serviceLogsInAsThisSessionsRole()
{
    // Without user= libpq takes the OS user: ferry for the service, not the
    // user who set the job up here.
    const QString bare = m_dir.filePath(QStringLiteral("bare.ini"));
    QFile file(bare);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[ferry]\njob_name = bare_job\ndb = port=5433\nqueue_name = replika\n");
    file.close();
    const QByteArray pguser = qgetenv("PGUSER");
    const QByteArray pgdatabase = qgetenv("PGDATABASE");
    qunsetenv("PGUSER");
    qputenv("PGDATABASE", "digoal_02");
    const passwd *entry = ::getpwuid(::geteuid());
    QVERIFY(entry);
    const QString user = QString::fromLocal8Bit(entry->pw_name);
    const ServicePlan plan = servicePlan(*JobConfig::load(bare), options(false));
    qputenv("PGUSER", pguser);
    qputenv("PGDATABASE", pgdatabase);
    if (pguser.isNull())
        qunsetenv("PGUSER");
    if (pgdatabase.isNull())
        qunsetenv("PGDATABASE");

    QCOMPARE(plan.job.db.value(QStringLiteral("user")), user);
    QCOMPARE(plan.job.db.value(QStringLiteral("dbname")), QStringLiteral("digoal_02"));
    QCOMPARE(plan.pgpassLine, QStringLiteral("localhost:5433:digoal_02:%1:").arg(user));
    QCOMPARE(plan.target, QDir(m_etc).filePath(QStringLiteral("bare_job.ini")));
}

void TestServiceInstall::pkexecRunsTheExactCommand()
{
    m_menu->setServiceInstallOptions(options(true));
    ServiceInstallDialog *dialog = openDialog();
    QVERIFY(dialog);
    const QString staged = dialog->stagedFile();
    const QString target = QDir(m_etc).filePath(kJob + QStringLiteral(".ini"));
    // Only this user may put a file where root copies from.
    const QFileDevice::Permissions folder = QFileInfo(QFileInfo(staged).path()).permissions();
    QCOMPARE(folder & (QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner),
             QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QCOMPARE(folder & 0x0077, 0); // nothing for group or others
    dialog->findChild<QPushButton *>(QStringLiteral("installServiceConfirm"))->click();

    QCOMPARE(m_runs.size(), 1);
    QCOMPARE(m_runs[0].program, QStringLiteral("/usr/bin/pkexec"));
    QCOMPARE(m_runs[0].arguments, QStringList({QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                                               pkexecScript(dialog->plan(), false, true)}));
    // Root reads nothing from this user's files: the config is in the script.
    const QString script = m_runs[0].arguments.value(2);
    QVERIFY2(script.startsWith(QStringLiteral("umask 077; [ ! -e %1 ] || exit 17; ").arg(target)),
             qPrintable(script));
    QVERIFY(!script.contains(staged));
    QVERIFY(!script.contains(QFileInfo(staged).path()));
    QVERIFY(script.contains(QStringLiteral("queue_name = replika")));
    QVERIFY(!script.contains(kPassword));
    // Then, without root, whether the worker still runs.
    QTRY_COMPARE_WITH_TIMEOUT(m_runs.size(), 2, 3000);
    QCOMPARE(m_runs[1].program, QStringLiteral("systemctl"));
    QCOMPARE(m_runs[1].arguments,
             QStringList({QStringLiteral("is-active"), QStringLiteral("ferry-worker@leaf_job")}));
    auto *result = dialog->findChild<QLabel *>(QStringLiteral("installServiceResult"));
    QTRY_VERIFY2(
        result->text().contains(QStringLiteral("ferry-worker@leaf_job is enabled and running")),
        qPrintable(result->text()));
    QVERIFY(!QFile::exists(staged)); // installed: the copy is gone
    QVERIFY(
        !dialog->findChild<QPushButton *>(QStringLiteral("installServiceConfirm"))->isEnabled());
}

void TestServiceInstall::pkexecFailureShowsOneLine()
{
    m_menu->setServiceInstallOptions(options(true));
    m_answerCode = 127;
    m_answerError = QStringLiteral("Error executing command as another user: Not authorized");
    ServiceInstallDialog *dialog = openDialog();
    QVERIFY(dialog);
    auto *confirm = dialog->findChild<QPushButton *>(QStringLiteral("installServiceConfirm"));
    confirm->click();
    QCOMPARE(m_runs.size(), 1);
    auto *result = dialog->findChild<QLabel *>(QStringLiteral("installServiceResult"));
    QVERIFY(result->isVisible());
    QVERIFY2(result->text().contains(m_answerError), qPrintable(result->text()));
    QVERIFY(!result->text().contains(QLatin1Char('\n')));
    QVERIFY(confirm->isEnabled()); // may be tried again
    QVERIFY(saveShot(dialog, QStringLiteral("install-service-failed.png")));

    QVERIFY(result->text().contains(QStringLiteral("nothing was installed")));

    // Each step of the script has its code: the text says what was done.
    const QString target = QDir(m_etc).filePath(kJob + QStringLiteral(".ini"));
    m_answerCode = kServiceEnableFailedExit;
    m_answerError = QStringLiteral("Failed to enable unit: Unit ferry-worker@leaf_job.service "
                                   "does not exist.");
    confirm->click();
    QCOMPARE(m_runs.size(), 2);
    QVERIFY2(result->text().contains(m_answerError), qPrintable(result->text()));
    QVERIFY(result->text().contains(QStringLiteral("%1 is installed").arg(target)));
    QVERIFY(result->text().contains(QStringLiteral("journalctl -u ferry-worker@leaf_job")));
    QVERIFY(!result->text().contains(QLatin1Char('\n')));

    // /bin/sh's 127 for a missing systemctl is no refusal of pkexec's.
    m_answerCode = kServiceNoSystemctlExit;
    m_answerError.clear();
    confirm->click();
    QVERIFY2(result->text().contains(
                 QStringLiteral("%1 is installed, but there is no systemctl").arg(target)),
             qPrintable(result->text()));
    QVERIFY(result->text().contains(
        QStringLiteral("run sudo systemctl enable --now ferry-worker@leaf_job")));
    QVERIFY(!result->text().contains(QStringLiteral("pkexec")));
    QVERIFY(saveShot(dialog, QStringLiteral("install-service-no-systemctl.png")));

    m_answerCode = kServiceWriteFailedExit;
    m_answerError = QStringLiteral("mktemp: failed to create file via template");
    confirm->click();
    QVERIFY2(result->text().contains(QStringLiteral("nothing was installed")),
             qPrintable(result->text()));
    QVERIFY(result->text().contains(m_answerError));
    QVERIFY(result->text().contains(m_etc));
    QVERIFY(!result->text().contains(QLatin1Char('\n')));
}

void TestServiceInstall::existingFileIsReplacedOnlyAfterAsking()
{
    m_menu->setServiceInstallOptions(options(true));
    const QString target = QDir(m_etc).filePath(kJob + QStringLiteral(".ini"));
    QFile old(target);
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("[ferry]\n# the service's own\n");
    old.close();

    ServiceInstallDialog *dialog = openDialog();
    QVERIFY(dialog);
    auto *details = dialog->findChild<QLabel *>(QStringLiteral("installServiceDetails"));
    QVERIFY2(details->text().contains(QStringLiteral("exists already")),
             qPrintable(details->text()));
    auto *confirm = dialog->findChild<QPushButton *>(QStringLiteral("installServiceConfirm"));

    confirm->click();
    QMessageBox *box = nullptr;
    QVERIFY(QTest::qWaitFor(
        [&box] {
            return (box = shown<QMessageBox>(QStringLiteral("confirmReplaceServiceConfig")));
        },
        3000));
    QVERIFY(box->text().contains(target));
    QVERIFY(m_runs.isEmpty());
    box->findChild<QPushButton *>(QStringLiteral("confirmReplaceServiceConfigCancel"))->click();
    QApplication::processEvents();
    QVERIFY(m_runs.isEmpty());

    confirm->click();
    QVERIFY(QTest::qWaitFor(
        [&box] {
            return (box = shown<QMessageBox>(QStringLiteral("confirmReplaceServiceConfig")));
        },
        3000));
    box->findChild<QPushButton *>(QStringLiteral("confirmReplaceServiceConfigReplace"))->click();
    QTRY_COMPARE_WITH_TIMEOUT(m_runs.size(), 1, 3000);
    // Replacing was answered: no guard against the existing file.
    QCOMPARE(m_runs[0].arguments.value(2), pkexecScript(dialog->plan(), true, true));
    QVERIFY(!m_runs[0].arguments.value(2).contains(QStringLiteral("[ ! -e ")));
}

void TestServiceInstall::hiddenExistingFileIsAskedAboutAfterPkexec()
{
    // /etc/ferry is 0750 root:ferry: the user cannot see NAME.ini; the
    // script's guard tells (exit 17) and the user is asked.
    m_menu->setServiceInstallOptions(options(true));
    m_answerCode = 17;
    ServiceInstallDialog *dialog = openDialog();
    QVERIFY(dialog);
    dialog->findChild<QPushButton *>(QStringLiteral("installServiceConfirm"))->click();
    QCOMPARE(m_runs.size(), 1);
    QVERIFY(m_runs[0].arguments.value(2).startsWith(QStringLiteral("umask 077; [ ! -e ")));
    QMessageBox *box = nullptr;
    QVERIFY(QTest::qWaitFor(
        [&box] {
            return (box = shown<QMessageBox>(QStringLiteral("confirmReplaceServiceConfig")));
        },
        3000));
    m_answerCode = 0;
    box->findChild<QPushButton *>(QStringLiteral("confirmReplaceServiceConfigReplace"))->click();
    QTRY_COMPARE_WITH_TIMEOUT(m_runs.size(), 2, 3000);
    QVERIFY(!m_runs[1].arguments.value(2).contains(QStringLiteral("[ ! -e ")));
}

void TestServiceInstall::rootWritesInPlaceOnlyWithGroupFerry()
{
    ServiceInstallOptions o = options(true);
    o.privileged = true;
    m_menu->setServiceInstallOptions(o);
    const QString target = QDir(m_etc).filePath(kJob + QStringLiteral(".ini"));
    ServiceInstallDialog *dialog = openDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->stagedFile().isEmpty());
    QCOMPARE(dialog->findChild<QPlainTextEdit *>(QStringLiteral("installServiceCommands"))
                 ->toPlainText(),
             QStringLiteral("systemctl enable --now ferry-worker@leaf_job"));
    dialog->findChild<QPushButton *>(QStringLiteral("installServiceConfirm"))->click();
    auto *result = dialog->findChild<QLabel *>(QStringLiteral("installServiceResult"));
    if (!::getgrnam("ferry")) {
        // The service's user cannot read a file it has no group for.
        QVERIFY2(result->text().contains(QStringLiteral("no group ferry")),
                 qPrintable(result->text()));
        QVERIFY(!QFile::exists(target));
        QVERIFY(m_runs.isEmpty());
        return;
    }
    QVERIFY(JobConfig::load(target));
    QCOMPARE(QFileInfo(target).group(), QStringLiteral("ferry"));
    QCOMPARE(m_runs.size(), 1);
    QCOMPARE(m_runs[0].program, QStringLiteral("systemctl"));
    QCOMPARE(m_runs[0].arguments, QStringList({QStringLiteral("enable"), QStringLiteral("--now"),
                                               QStringLiteral("ferry-worker@leaf_job")}));
    QTRY_COMPARE_WITH_TIMEOUT(m_runs.size(), 2, 3000);
    QCOMPARE(m_runs[1].arguments.value(0), QStringLiteral("is-active"));
    QTRY_VERIFY(result->text().contains(QStringLiteral("enabled and running")));
}

void TestServiceInstall::sessionEnvironmentIsWrittenOut()
{
    // The worker started here reaches the server PGHOST names, with the TLS
    // PGSSLMODE asks for; the service has none of this environment.
    const QString config
        = writeConfig(QStringLiteral("env_job"), QStringLiteral("port=5433 dbname=digoal_02"));
    const EnvGuard env({{"PGHOST", "db9.example.com"},
                        {"PGPORT", "6000"}, // the config's port wins, as in libpq
                        {"PGUSER", "repl"},
                        {"PGSSLMODE", "verify-full"},
                        {"PGSSLROOTCERT", "/etc/ssl/certs/pg-root.crt"},
                        {"PGOPTIONS", "-c search_path=ferry"},
                        {"PGCONNECT_TIMEOUT", "7"}, // the session sets its own
                        {"PGCLIENTENCODING", "LATIN1"},
                        {"PGTARGETSESSIONATTRS", "read-write"},
                        {"PGPASSWORD", kPassword.toUtf8()},
                        {"PGPASSFILE", "/home/someone/.pgpass"}});
    const ServicePlan plan = servicePlan(*JobConfig::load(config), options(true));
    const ConnectionString &db = plan.job.db;
    QCOMPARE(db.value(QStringLiteral("host")), QStringLiteral("db9.example.com"));
    QCOMPARE(db.value(QStringLiteral("port")), QStringLiteral("5433"));
    QCOMPARE(db.value(QStringLiteral("dbname")), QStringLiteral("digoal_02"));
    QCOMPARE(db.value(QStringLiteral("user")), QStringLiteral("repl"));
    QCOMPARE(db.value(QStringLiteral("sslmode")), QStringLiteral("verify-full"));
    QCOMPARE(db.value(QStringLiteral("sslrootcert")), QStringLiteral("/etc/ssl/certs/pg-root.crt"));
    QCOMPARE(db.value(QStringLiteral("options")), QStringLiteral("-c search_path=ferry"));
    QVERIFY(!db.contains(QStringLiteral("connect_timeout")));
    QVERIFY(!db.contains(QStringLiteral("client_encoding")));
    QCOMPARE(db.value(QStringLiteral("target_session_attrs")), QStringLiteral("read-write"));
    QVERIFY(!db.contains(QStringLiteral("password")));
    QVERIFY(!db.contains(QStringLiteral("passfile")));
    QVERIFY2(plan.refusals.isEmpty(), qPrintable(plan.refusals.join(QLatin1Char('\n'))));
    QVERIFY2(plan.warnings.isEmpty(), qPrintable(plan.warnings.join(QLatin1Char('\n'))));
    QCOMPARE(plan.pgpassLine, QStringLiteral("db9.example.com:5433:digoal_02:repl:"));

    // The dialog shows that connection; the written file holds it.
    m_menu->setServiceInstallOptions(options(true));
    m_menu->setConfig(*JobConfig::load(config));
    ServiceInstallDialog *dialog = openDialog();
    QVERIFY(dialog);
    auto *connection = dialog->findChild<QLabel *>(QStringLiteral("installServiceConnection"));
    QVERIFY(connection);
    QCOMPARE(connection->text(), db.toString());
    QVERIFY(!connection->text().contains(kPassword));
    QVERIFY(connection->text().startsWith(QStringLiteral("host=db9.example.com port=5433")));
    QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("installServicePgpass"))->text(),
             plan.pgpassLine);
    QVERIFY(!dialog->findChild<QLabel *>(QStringLiteral("installServiceProblems"))->isVisible());
    QVERIFY(saveShot(dialog, QStringLiteral("install-service-connection.png")));
    m_answerCode = 1; // keep the staged file to read
    dialog->findChild<QPushButton *>(QStringLiteral("installServiceConfirm"))->click();
    const auto written = JobConfig::load(dialog->stagedFile());
    QVERIFY(written);
    QCOMPARE(written->db().toString(), db.toString());
    QFile file(dialog->stagedFile());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains(kPassword.toUtf8()));
}

void TestServiceInstall::pgserviceIsResolvedAsLibpqDoes()
{
    // The service's user has not this user's service file: its values are
    // written out, over the PG* variables as libpq ranks them.
    const QString serviceFile = m_dir.filePath(QStringLiteral("pg_service.conf"));
    QFile file(serviceFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[prod]\nhost=svc.example.com\nsslmode=require\ndbname=digoal_02\n"
               "connect_timeout=3\noptions=-c work_mem=64kB\n"); // the session's own win
    file.close();
    const QString config = writeConfig(QStringLiteral("svc_job"), QStringLiteral("user=repl"));
    const EnvGuard env({{"PGSERVICEFILE", QFile::encodeName(serviceFile)},
                        {"PGSERVICE", "prod"},
                        {"PGHOST", "other.example.com"},
                        {"PGPORT", "5439"}});
    const ServicePlan plan = servicePlan(*JobConfig::load(config), options(true));
    QCOMPARE(plan.job.db.toString(),
             QStringLiteral("host=svc.example.com port=5439 dbname=digoal_02 user=repl "
                            "sslmode=require"));
    QVERIFY(plan.refusals.isEmpty());
    QCOMPARE(plan.pgpassLine, QStringLiteral("svc.example.com:5439:digoal_02:repl:"));
}

void TestServiceInstall::settingsTheServiceCannotUseAreRefused()
{
    m_menu->setServiceInstallOptions(options(true));
    // service= in the config: the service's user may find another definition.
    m_menu->setConfig(*JobConfig::load(
        writeConfig(QStringLiteral("named_job"), QStringLiteral("service=prod user=repl"))));
    ServiceInstallDialog *dialog = openDialog();
    QVERIFY(dialog);
    auto *problems = dialog->findChild<QLabel *>(QStringLiteral("installServiceProblems"));
    auto *confirm = dialog->findChild<QPushButton *>(QStringLiteral("installServiceConfirm"));
    QVERIFY(problems && confirm);
    QVERIFY(problems->isVisible());
    QVERIFY2(problems->text().contains(QStringLiteral("service=prod")),
             qPrintable(problems->text()));
    QVERIFY(!confirm->isEnabled());
    QVERIFY(saveShot(dialog, QStringLiteral("install-service-refused.png")));
    dialog->install(); // not even when asked directly
    QVERIFY(m_runs.isEmpty());
    QVERIFY(!QFile::exists(dialog->stagedFile()));
    const QPointer<ServiceInstallDialog> refused = dialog;
    dialog->close();
    QTRY_VERIFY(!refused);

    // A relative certificate, and one under /home the unit hides: the
    // service would check the server otherwise, or not at all.
    const QString relative
        = writeConfig(QStringLiteral("rel_job"), QStringLiteral("host=db1 sslmode=require "
                                                                "sslrootcert=certs/root.crt"));
    ServicePlan plan = servicePlan(*JobConfig::load(relative), options(true));
    QCOMPARE(plan.refusals.size(), 1);
    QVERIFY2(plan.refusals[0].contains(QStringLiteral("sslrootcert=certs/root.crt")),
             qPrintable(plan.refusals[0]));
    const QString plain = writeConfig(QStringLiteral("home_job"), QStringLiteral("host=db1"));
    {
        const EnvGuard env({{"PGSSLROOTCERT", "/home/dba/.postgresql/root.crt"}});
        plan = servicePlan(*JobConfig::load(plain), options(true));
    }
    QCOMPARE(plan.refusals.size(), 1);
    QVERIFY2(
        plan.refusals[0].contains(QStringLiteral("sslrootcert=/home/dba/.postgresql/root.crt")),
        qPrintable(plan.refusals[0]));

    // A socket folder under /tmp and a client key under /home: the service
    // fails to connect (a drop-in may lift PrivateTmp): warned, not refused.
    const EnvGuard env({{"PGHOST", "/tmp"}, {"PGSSLKEY", "/home/dba/.postgresql/ferry.key"}});
    m_menu->setConfig(*JobConfig::load(
        writeConfig(QStringLiteral("tmp_job"), QStringLiteral("port=5432 dbname=digoal_02"))));
    dialog = openDialog();
    QVERIFY(dialog);
    problems = dialog->findChild<QLabel *>(QStringLiteral("installServiceProblems"));
    confirm = dialog->findChild<QPushButton *>(QStringLiteral("installServiceConfirm"));
    QVERIFY(problems->isVisible());
    QVERIFY2(problems->text().contains(QStringLiteral("host=/tmp")), qPrintable(problems->text()));
    QVERIFY(problems->text().contains(QStringLiteral("sslkey=/home/dba/.postgresql/ferry.key")));
    QCOMPARE(problems->text().count(QLatin1Char('\n')), 1); // one line each
    QVERIFY(confirm->isEnabled());
    QVERIFY(saveShot(dialog, QStringLiteral("install-service-warnings.png")));
}

void TestServiceInstall::workerThatDiesIsReportedNotRunning()
{
    // enable --now succeeds, but the worker ends at once (e.g. the database
    // is no node of the queue).
    m_menu->setServiceInstallOptions(options(true));
    m_activeCode = 3;
    ServiceInstallDialog *dialog = openDialog();
    QVERIFY(dialog);
    dialog->findChild<QPushButton *>(QStringLiteral("installServiceConfirm"))->click();
    QTRY_COMPARE_WITH_TIMEOUT(m_runs.size(), 2, 3000);
    QCOMPARE(m_runs[1].arguments,
             QStringList({QStringLiteral("is-active"), QStringLiteral("ferry-worker@leaf_job")}));
    auto *result = dialog->findChild<QLabel *>(QStringLiteral("installServiceResult"));
    QTRY_VERIFY2(result->text().contains(QStringLiteral("enabled but not running")),
                 qPrintable(result->text()));
    QVERIFY(result->text().contains(QStringLiteral("journalctl -u ferry-worker@leaf_job")));
    QVERIFY(result->text().contains(QStringLiteral("systemctl restart ferry-worker@leaf_job")));
    QVERIFY(!result->text().contains(QStringLiteral("running;")));
    QVERIFY(!result->text().contains(QLatin1Char('\n')));
    QVERIFY(saveShot(dialog, QStringLiteral("install-service-not-running.png")));
}

void TestServiceInstall::enableOnlyDoesNotStart()
{
    m_menu->setServiceInstallOptions(options(true));
    ServiceInstallDialog *dialog = openDialog();
    QVERIFY(dialog);
    auto *startNow = dialog->findChild<QCheckBox *>(QStringLiteral("installServiceStartNow"));
    auto *commands = dialog->findChild<QPlainTextEdit *>(QStringLiteral("installServiceCommands"));
    QVERIFY(startNow && commands);
    QVERIFY(startNow->isChecked());
    startNow->setChecked(false);
    QVERIFY2(commands->toPlainText().endsWith(
                 QStringLiteral("\nsudo systemctl enable ferry-worker@leaf_job")),
             qPrintable(commands->toPlainText()));
    dialog->findChild<QPushButton *>(QStringLiteral("installServiceConfirm"))->click();
    QCOMPARE(m_runs.size(), 1);
    QVERIFY2(m_runs[0].arguments.value(2).endsWith(
                 QStringLiteral("; systemctl enable ferry-worker@leaf_job || exit 21")),
             qPrintable(m_runs[0].arguments.value(2)));
    auto *result = dialog->findChild<QLabel *>(QStringLiteral("installServiceResult"));
    QVERIFY2(result->text().contains(QStringLiteral("enabled, not started")),
             qPrintable(result->text()));
    QVERIFY(result->text().contains(QStringLiteral("systemctl start ferry-worker@leaf_job")));
    QTest::qWait(50);
    QCOMPARE(m_runs.size(), 1); // nothing started, nothing to check
}

namespace {

// `script` as /bin/sh runs it, with PATH only `bin` (plus /usr/bin:/bin
// unless `only`).
int runScript(const QString &script, const QString &bin, bool only = false)
{
    QProcess sh;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PATH"), only ? bin : bin + QStringLiteral(":/usr/bin:/bin"));
    sh.setProcessEnvironment(environment);
    sh.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script});
    sh.waitForFinished(5000);
    return sh.exitStatus() == QProcess::NormalExit ? sh.exitCode() : -1;
}

bool writeTool(const QString &path, const QByteArray &text)
{
    QFile tool(path);
    if (!tool.open(QIODevice::WriteOnly))
        return false;
    tool.write(text);
    tool.close();
    return tool.setPermissions(tool.permissions() | QFileDevice::ExeOwner);
}

} // namespace

void TestServiceInstall::scriptWritesTheConfigAsRoot()
{
    // The script as /bin/sh runs it, with chown and systemctl replaced by
    // scripts that record what they were given (this test is not root).
    const QString bin = m_dir.filePath(QStringLiteral("fakebin"));
    const QString record = m_dir.filePath(QStringLiteral("ran.txt"));
    QVERIFY(QDir().mkpath(bin));
    for (const QString &tool : {QStringLiteral("chown"), QStringLiteral("systemctl")}) {
        QVERIFY(writeTool(
            QDir(bin).filePath(tool),
            QStringLiteral("#!/bin/sh\necho %1 \"$@\" >> %2\n").arg(tool, record).toUtf8()));
    }
    ServicePlan plan = servicePlan(*JobConfig::load(m_configPath), options(true));
    plan.unit = QStringLiteral("ferry-worker@odd name");       // quoted though names are checked
    plan.job.queueName = QStringLiteral("it's %1 $HOME `id`"); // quoted, not run
    const QString target = plan.target;

    QFile::remove(record);
    QCOMPARE(runScript(pkexecScript(plan, false, true), bin), 0);
    QFile written(target);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll(), newJobConfigText(plan.job));
    written.close();
    struct stat status = {};
    QCOMPARE(::stat(QFile::encodeName(target).constData(), &status), 0);
    QCOMPARE(status.st_mode & 0777, 0640u);
    QCOMPARE(QDir(m_etc).entryList(QDir::Files | QDir::Hidden),
             QStringList({QStringLiteral("leaf_job.ini")})); // no temporary file left
    QFile ran(record);
    QVERIFY(ran.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(ran.readAll()).split(QLatin1Char('\n'));
    // chown on the temporary file in the folder, before it took the name.
    QVERIFY2(
        lines.value(0).startsWith(QStringLiteral("chown root:ferry %1/.leaf_job.ini.").arg(m_etc)),
        qPrintable(lines.value(0)));
    QCOMPARE(lines.value(1), QStringLiteral("systemctl enable --now ferry-worker@odd name"));
    ran.close();

    // Not asked to replace: what is there stays, nothing runs.
    QFile::remove(record);
    QVERIFY(written.open(QIODevice::WriteOnly | QIODevice::Truncate));
    written.write("[ferry]\n# the service's own\n");
    written.close();
    QCOMPARE(runScript(pkexecScript(plan, false, true), bin), kServiceExistsExit);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll(), QByteArray("[ferry]\n# the service's own\n"));
    written.close();
    QVERIFY(!QFile::exists(record));
    // Asked: replaced.
    QCOMPARE(runScript(pkexecScript(plan, true, false), bin), 0);
    QVERIFY(written.open(QIODevice::ReadOnly));
    QCOMPARE(written.readAll(), newJobConfigText(plan.job));
}

void TestServiceInstall::scriptStepsHaveTheirOwnExitCodes()
{
    const QString bin = m_dir.filePath(QStringLiteral("stepbin"));
    QVERIFY(QDir().mkpath(bin));
    // Only the tools the script needs, so a missing systemctl is missing.
    for (const char *tool : {"mktemp", "chmod", "mv", "rm"})
        QVERIFY(QFile::link(QStandardPaths::findExecutable(QLatin1String(tool)),
                            QDir(bin).filePath(QLatin1String(tool))));
    QVERIFY(writeTool(QDir(bin).filePath(QStringLiteral("chown")), "#!/bin/sh\nexit 0\n"));
    ServicePlan plan = servicePlan(*JobConfig::load(m_configPath), options(true));

    // No systemctl: the config is installed, nothing enabled.
    QCOMPARE(runScript(pkexecScript(plan, true, true), bin, true), kServiceNoSystemctlExit);
    QVERIFY(JobConfig::load(plan.target));

    // systemctl fails: its own code, not systemctl's.
    QVERIFY(writeTool(QDir(bin).filePath(QStringLiteral("systemctl")), "#!/bin/sh\nexit 1\n"));
    QCOMPARE(runScript(pkexecScript(plan, true, true), bin, true), kServiceEnableFailedExit);

    // The folder is not there: nothing written, nothing enabled.
    QVERIFY(QDir(m_etc).removeRecursively());
    QCOMPARE(runScript(pkexecScript(plan, true, true), bin, true), kServiceWriteFailedExit);
    QVERIFY(!QFile::exists(plan.target));

    // chown fails (no group ferry): no file, and no temporary one left.
    QVERIFY(QDir().mkpath(m_etc));
    QVERIFY(writeTool(QDir(bin).filePath(QStringLiteral("chown")), "#!/bin/sh\nexit 1\n"));
    QCOMPARE(runScript(pkexecScript(plan, true, true), bin, true), kServiceWriteFailedExit);
    QVERIFY(QDir(m_etc).entryList(QDir::Files | QDir::Hidden).isEmpty());
}

void TestServiceInstall::defaultSslFilesOfThisUserAreRefused()
{
    // libpq uses ~/.postgresql/root.crt when sslrootcert is not set: the
    // session checks the server's certificate; user ferry has no such file.
    const QDir dot(QDir(qEnvironmentVariable("HOME")).filePath(QStringLiteral(".postgresql")));
    QVERIFY(QDir().mkpath(dot.path()));
    const auto touch = [&dot](const char *name) {
        QFile file(dot.filePath(QLatin1String(name)));
        return file.open(QIODevice::WriteOnly);
    };
    const QString config = writeConfig(QStringLiteral("ssl_job"),
                                       QStringLiteral("host=db1 user=repl sslmode=require"));
    QVERIFY(touch("root.crt"));
    ServicePlan plan = servicePlan(*JobConfig::load(config), options(true));
    QCOMPARE(plan.refusals.size(), 1);
    QVERIFY2(plan.refusals[0].contains(dot.filePath(QStringLiteral("root.crt")))
                 && plan.refusals[0].contains(QStringLiteral("sslrootcert=/etc/ferry/root.crt")),
             qPrintable(plan.refusals[0]));
    QVERIFY(plan.warnings.isEmpty());

    // The dialog refuses it.
    m_menu->setServiceInstallOptions(options(true));
    m_menu->setConfig(*JobConfig::load(config));
    ServiceInstallDialog *dialog = openDialog();
    QVERIFY(dialog);
    QVERIFY(
        !dialog->findChild<QPushButton *>(QStringLiteral("installServiceConfirm"))->isEnabled());
    QVERIFY(saveShot(dialog, QStringLiteral("install-service-default-root.png")));
    dialog->close();

    // sslmode=disable reads no certificate.
    {
        const EnvGuard env({{"PGSSLMODE", "disable"}});
        plan = servicePlan(*JobConfig::load(writeConfig(QStringLiteral("plain_job"),
                                                        QStringLiteral("host=db1 user=repl"))),
                           options(true));
        QVERIFY(plan.refusals.isEmpty());
    }

    // A root certificate named (PGSSLROOTCERT too) is written out: no
    // default in the way, but the default CRL it brings is.
    QVERIFY(touch("root.crl"));
    {
        const EnvGuard env({{"PGSSLROOTCERT", "/etc/ferry/root.crt"}});
        plan = servicePlan(*JobConfig::load(config), options(true));
    }
    QCOMPARE(plan.refusals.size(), 1);
    QVERIFY2(plan.refusals[0].contains(dot.filePath(QStringLiteral("root.crl")))
                 && plan.refusals[0].contains(QStringLiteral("sslcrl=/etc/ferry/root.crl")),
             qPrintable(plan.refusals[0]));
    {
        const EnvGuard env(
            {{"PGSSLROOTCERT", "/etc/ferry/root.crt"}, {"PGSSLCRL", "/etc/ferry/root.crl"}});
        plan = servicePlan(*JobConfig::load(config), options(true));
    }
    QVERIFY2(plan.refusals.isEmpty(), qPrintable(plan.refusals.join(QLatin1Char('\n'))));

    // A default client certificate: the service would not present it.
    QVERIFY(QFile::remove(dot.filePath(QStringLiteral("root.crt"))));
    QVERIFY(QFile::remove(dot.filePath(QStringLiteral("root.crl"))));
    QVERIFY(touch("postgresql.crt"));
    plan = servicePlan(*JobConfig::load(config), options(true));
    QVERIFY(plan.refusals.isEmpty());
    QCOMPARE(plan.warnings.size(), 1);
    QVERIFY2(plan.warnings[0].contains(dot.filePath(QStringLiteral("postgresql.crt")))
                 && plan.warnings[0].contains(QStringLiteral("sslcert=/etc/ferry/postgresql.crt")),
             qPrintable(plan.warnings[0]));
    QVERIFY(QDir(dot).removeRecursively());
}

void TestServiceInstall::passfileIsNamedInTheHint()
{
    // libpq reads db's passfile instead of ~/.pgpass: the hint names it.
    const QString passfile = QStringLiteral("/etc/ferry/pgpass");
    m_menu->setServiceInstallOptions(options(true));
    m_menu->setConfig(*JobConfig::load(
        writeConfig(QStringLiteral("pass_job"),
                    QStringLiteral("host=db1 dbname=d user=repl passfile=%1").arg(passfile))));
    ServiceInstallDialog *dialog = openDialog();
    QVERIFY(dialog);
    QCOMPARE(dialog->plan().passfile, passfile);
    QCOMPARE(dialog->plan().job.db.value(QStringLiteral("passfile")), passfile);
    bool named = false;
    for (const QLabel *label : dialog->findChildren<QLabel *>()) {
        QVERIFY2(!label->text().contains(QStringLiteral("~ferry/.pgpass"))
                     || label->objectName() == QLatin1String("installServiceProblems"),
                 qPrintable(label->text()));
        named = named || label->text().contains(QStringLiteral("password from %1").arg(passfile));
    }
    QVERIFY(named);
    auto *startNow = dialog->findChild<QCheckBox *>(QStringLiteral("installServiceStartNow"));
    QVERIFY2(startNow->text().contains(passfile), qPrintable(startNow->text()));
    QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("installServicePgpass"))->text(),
             QStringLiteral("db1:5432:d:repl:"));
    // User ferry must be able to read it, or libpq does not.
    auto *problems = dialog->findChild<QLabel *>(QStringLiteral("installServiceProblems"));
    QVERIFY(problems->isVisible());
    QVERIFY2(problems->text().contains(QStringLiteral("passfile=%1").arg(passfile))
                 && problems->text().contains(QStringLiteral("user ferry must own it")),
             qPrintable(problems->text()));
    QVERIFY(dialog->findChild<QPushButton *>(QStringLiteral("installServiceConfirm"))->isEnabled());
    QVERIFY(saveShot(dialog, QStringLiteral("install-service-passfile.png")));

    startNow->setChecked(false);
    m_answerCode = 0;
    dialog->findChild<QPushButton *>(QStringLiteral("installServiceConfirm"))->click();
    auto *result = dialog->findChild<QLabel *>(QStringLiteral("installServiceResult"));
    QVERIFY2(result->text().contains(QStringLiteral("once %1 has the password").arg(passfile)),
             qPrintable(result->text()));
}

QTEST_MAIN(TestServiceInstall)
#include "tst_serviceinstall.moc"
