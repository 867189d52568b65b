#include "profiles/passwordvault.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSaveFile>

#include <qt6keychain/keychain.h>

namespace ferry::gui {

namespace {

// Debian's libpq default socket folder (DEFAULT_PGSOCKET_DIR).
const QLatin1String kDefaultSocketDir("/var/run/postgresql");

QString pgpassHost(const ConnectionProfile &p)
{
    // libpq looks up "localhost" for its default socket (no host, or the
    // default folder); any other socket folder by its path, as written.
    if (p.host.isEmpty() || p.host == kDefaultSocketDir
        || p.host == QLatin1String("/run/postgresql"))
        return QStringLiteral("localhost");
    return p.host;
}

Result<QStringList> readLines(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return QStringList();
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorKind::Io,
                     QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

Result<void> writeLines(const QString &path, const QStringList &lines)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error(ErrorKind::Io,
                     QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    // Before any secret is written: libpq ignores a group- or world-readable file.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QByteArray text = lines.join(QLatin1Char('\n')).toUtf8();
    if (!text.isEmpty())
        text += '\n';
    if (file.write(text) != text.size() || !file.commit())
        return Error(ErrorKind::Io, QStringLiteral("cannot write %1: %2 (is the disk full?)")
                                        .arg(path, file.errorString()));
    return {};
}

} // namespace

QString PgPass::path()
{
    const QString env = qEnvironmentVariable("PGPASSFILE");
    return env.isEmpty() ? QDir::homePath() + QStringLiteral("/.pgpass") : env;
}

QString PgPass::linePrefix(const ConnectionProfile &p)
{
    return QStringLiteral("%1:%2:%3:%4:")
        .arg(escapeField(pgpassHost(p)), QString::number(p.port), escapeField(p.dbname),
             escapeField(p.user));
}

QString PgPass::escapeField(const QString &field)
{
    QString out = field;
    out.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    out.replace(QLatin1Char(':'), QStringLiteral("\\:"));
    return out;
}

Result<void> PgPass::store(const ConnectionProfile &profile, const QString &password)
{
    if (password.contains(QLatin1Char('\n')))
        return Error(ErrorKind::Usage, QStringLiteral("a password for .pgpass cannot hold a "
                                                      "line break"));
    const QString file = path();
    auto lines = readLines(file);
    if (!lines)
        return lines.error();
    const QString prefix = linePrefix(profile);
    const QString line = prefix + escapeField(password);
    bool replaced = false;
    for (QString &l : *lines) {
        if (l.startsWith(prefix)) {
            l = line;
            replaced = true;
            break;
        }
    }
    // libpq takes the first line that matches: a new one goes before any
    // wildcard line that would otherwise win.
    if (!replaced)
        lines->prepend(line);
    return writeLines(file, *lines);
}

Result<void> PgPass::remove(const ConnectionProfile &profile)
{
    const QString file = path();
    auto lines = readLines(file);
    if (!lines)
        return lines.error();
    const QString prefix = linePrefix(profile);
    const qsizetype before = lines->size();
    lines->erase(std::remove_if(lines->begin(), lines->end(),
                                [&prefix](const QString &l) { return l.startsWith(prefix); }),
                 lines->end());
    if (lines->size() == before)
        return {};
    return writeLines(file, *lines);
}

namespace {

// The UI thread's view of the keychain (jobs answer there).
Keychain::State g_keychainState = Keychain::State::Unknown;
QString g_keychainReason;

void noteKeychainAnswer(const QKeychain::Job *job)
{
    // Only an answer from a keychain says it works; "no backend", "access
    // denied" or a D-Bus error all mean a password written now would be lost.
    if (job->error() == QKeychain::NoError || job->error() == QKeychain::EntryNotFound) {
        g_keychainState = Keychain::State::Available;
        g_keychainReason.clear();
    } else {
        g_keychainState = Keychain::State::Unavailable;
        g_keychainReason = job->errorString().simplified();
        if (g_keychainReason.isEmpty())
            g_keychainReason = QStringLiteral("no keychain service answers");
    }
}

} // namespace

Keychain::State Keychain::state()
{
    return g_keychainState;
}

QString Keychain::unavailableReason()
{
    return g_keychainState == State::Unavailable ? g_keychainReason : QString();
}

void Keychain::probe(QObject *context, std::function<void()> done)
{
    auto *job = new QKeychain::ReadPasswordJob(service(), qApp);
    job->setKey(QStringLiteral("ferry-gui keychain probe"));
    // The state is noted even when `context` went meanwhile.
    QObject::connect(job, &QKeychain::Job::finished, qApp, [job] { noteKeychainAnswer(job); });
    QObject::connect(job, &QKeychain::Job::finished, context, [done] {
        if (done)
            done();
    });
    job->start();
}

QString Keychain::service()
{
    return QStringLiteral("io.ferry.Ferry");
}

void Keychain::write(const ConnectionProfile &profile,
                     const QString &password,
                     QObject *context,
                     std::function<void(Result<void>)> done)
{
    // The job belongs to the application: a dialog closed meanwhile must not
    // abort the write. Only the answer goes to `context`, while it exists.
    auto *job = new QKeychain::WritePasswordJob(service(), qApp);
    job->setKey(profile.address());
    job->setTextData(password);
    QObject::connect(job, &QKeychain::Job::finished, qApp, [job] { noteKeychainAnswer(job); });
    QObject::connect(job, &QKeychain::Job::finished, context, [job, done] {
        if (job->error() != QKeychain::NoError)
            done(Error(ErrorKind::Io,
                       QStringLiteral("the system keychain did not store the password (%1); "
                                      "keep it in ~/.pgpass instead")
                           .arg(job->errorString())));
        else
            done({});
    });
    job->start();
}

void Keychain::read(const ConnectionProfile &profile,
                    QObject *context,
                    std::function<void(Result<QString>)> done)
{
    auto *job = new QKeychain::ReadPasswordJob(service(), qApp);
    job->setKey(profile.address());
    QObject::connect(job, &QKeychain::Job::finished, context, [job, done] {
        if (job->error() != QKeychain::NoError)
            done(Error(ErrorKind::Io,
                       QStringLiteral("the system keychain has no password for this profile "
                                      "(%1); edit the profile to enter it again")
                           .arg(job->errorString())));
        else
            done(job->textData());
    });
    job->start();
}

void Keychain::remove(const ConnectionProfile &profile)
{
    auto *job = new QKeychain::DeletePasswordJob(service(), qApp);
    job->setKey(profile.address());
    job->start();
}

} // namespace ferry::gui
