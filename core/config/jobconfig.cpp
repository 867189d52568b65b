#include "config/jobconfig.h"

#include "config/inifile.h"
#include "config/jobconfigkeys.h"

#include <QDebug>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>

#include <algorithm>

namespace ferry {

using namespace jobconfigkeys;

namespace {

const QString kSection = QStringLiteral("ferry");
const QString kLondisteSection = QStringLiteral("londiste3");
const QString kDb = QStringLiteral("db");

// Python's ConfigParser gives up on a %(name)s chain this deep; so do we.
constexpr int kMaxInterpolationDepth = 10;
// Longer sleeps than a day are a typo, and keep milliseconds within int.
constexpr double kMaxSeconds = 86400;

QString expandHome(const QString &path)
{
    if (path == QLatin1String("~"))
        return QDir::homePath();
    if (path.startsWith(QLatin1String("~/")))
        return QDir::homePath() + path.mid(1);
    return path;
}

} // namespace

// Turns the [ferry] section of an IniFile into a JobConfig.
class JobConfigReader
{
public:
    explicit JobConfigReader(const IniFile &ini)
        : m_ini(ini)
    {
        m_config.m_path = ini.path();
    }

    Result<JobConfig> read();

private:
    struct Value
    {
        QString raw;
        int line = 0; // 0: a default, not from the file
    };

    QString where(int line) const
    {
        const QString path = IniFile::displayPath(m_ini.path());
        return line > 0 ? QStringLiteral("%1:%2").arg(path).arg(line) : path;
    }
    Error error(int line, const QString &message) const
    {
        return Error(ErrorKind::Config, where(line) + QStringLiteral(": ") + message);
    }
    void warn(int line, const QString &message) { m_warnings.append({line, message}); }

    QString selectSection();
    void collectKeys(const IniSection &section);
    Result<QString> interpolate(const QString &key, const QString &raw, int line, int depth) const;
    Result<QString> value(const QString &key, const QString &fallback = {}) const;
    Result<QString> required(const QString &key) const;
    Result<double> seconds(const QString &key, double fallback) const;
    Result<void> readRequired();
    Result<void> readFiles();
    Result<void> readTuning();

    const IniFile &m_ini;
    JobConfig m_config;
    QString m_sectionName;
    QHash<QString, Value> m_values; // this section's keys, the later of a repeat
    QList<QPair<int, QString>> m_warnings;
};

QString JobConfigReader::selectSection()
{
    bool hasFerry = false;
    for (const IniSection &section : m_ini.sections())
        hasFerry = hasFerry || section.name.compare(kSection, Qt::CaseInsensitive) == 0;
    const QString wanted = hasFerry ? kSection : kLondisteSection;

    QString found;
    for (const IniSection &section : m_ini.sections()) {
        if (section.name.compare(wanted, Qt::CaseInsensitive) == 0) {
            if (found.isEmpty() && !hasFerry) {
                warn(section.line, QStringLiteral("section [%1] read as [ferry]; rename it to "
                                                  "[ferry]")
                                       .arg(section.name));
            }
            found = section.name;
            collectKeys(section); // a repeated section continues the first
        } else {
            warn(section.line,
                 QStringLiteral("section [%1] is not used by ferry; its keys are ignored")
                     .arg(IniFile::displayPath(section.name)));
        }
    }
    return found;
}

void JobConfigReader::collectKeys(const IniSection &section)
{
    for (const IniEntry &entry : section.entries) {
        const QString shownKey = IniFile::displayPath(entry.key);
        if (!knownKeys().contains(entry.key)) {
            const auto londiste = londisteOnlyKeys().constFind(entry.key);
            if (londiste != londisteOnlyKeys().constEnd()) {
                QString text = QStringLiteral("key '%1' is a londiste3 setting ferry does not use; "
                                              "ignored")
                                   .arg(shownKey);
                if (!londiste->isEmpty())
                    text += QStringLiteral(" (%1)").arg(*londiste);
                warn(entry.line, text);
                continue;
            }
            QString text
                = QStringLiteral("unknown key '%1' in [%2], ignored").arg(shownKey, section.name);
            if (const QString near = suggestion(entry.key); !near.isEmpty())
                text += QStringLiteral("; did you mean '%1'?").arg(near);
            warn(entry.line, text);
            // Still a name %(...)s may refer to, as in ConfigParser.
        }
        if (const auto previous = m_values.constFind(entry.key); previous != m_values.constEnd()) {
            warn(entry.line, QStringLiteral("key '%1' is set again (first on line %2); this later "
                                            "value wins")
                                 .arg(shownKey)
                                 .arg(previous->line));
        }
        m_values.insert(entry.key, {entry.value, entry.line});
    }
}

// ConfigParser's interpolation: %(name)s is the value of `name` (itself
// interpolated), %% is '%'. Any other '%' stays, so a password may hold one.
Result<QString>
JobConfigReader::interpolate(const QString &key, const QString &raw, int line, int depth) const
{
    if (depth > kMaxInterpolationDepth) {
        return error(line,
                     QStringLiteral("%(...)s references in '%1' nest too deep (a loop?)").arg(key));
    }
    QString out;
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const QChar next = i + 1 < raw.size() ? raw.at(i + 1) : QChar();
        if (raw.at(i) != QLatin1Char('%')
            || (next != QLatin1Char('%') && next != QLatin1Char('('))) {
            out += raw.at(i);
            continue;
        }
        if (next == QLatin1Char('%')) {
            out += QLatin1Char('%');
            ++i;
            continue;
        }
        const qsizetype close = raw.indexOf(QLatin1Char(')'), i + 2);
        if (close < 0 || close + 1 >= raw.size() || raw.at(close + 1) != QLatin1Char('s')) {
            out += raw.at(i); // not a reference: keep it as written
            continue;
        }
        const QString name = raw.mid(i + 2, close - i - 2).trimmed().toLower();
        QString replacement;
        if (name == QLatin1String("config_name")) {
            replacement = QFileInfo(m_ini.path()).completeBaseName();
        } else if (const auto found = m_values.constFind(name); found != m_values.constEnd()) {
            Result<QString> nested = interpolate(key, found->raw, line, depth + 1);
            if (!nested)
                return nested;
            replacement = *nested;
        } else {
            // The db value is never echoed, not even the name in %(...)s.
            const QString reference = key == kDb
                                          ? QStringLiteral("a %(...)s reference")
                                          : QStringLiteral("%(") + name + QStringLiteral(")s");
            return error(line, QStringLiteral("%1 in '%2' names no key of [%3] (%(job_name)s and "
                                              "%(config_name)s are available)")
                                   .arg(IniFile::displayPath(reference), key, m_sectionName));
        }
        out += replacement;
        i = close + 1;
    }
    return out;
}

Result<QString> JobConfigReader::value(const QString &key, const QString &fallback) const
{
    const auto found = m_values.constFind(key);
    if (found == m_values.constEnd())
        return interpolate(key, fallback, 0, 0);
    return interpolate(key, found->raw, found->line, 0);
}

Result<QString> JobConfigReader::required(const QString &key) const
{
    const auto found = m_values.constFind(key);
    if (found == m_values.constEnd()) {
        return error(0,
                     QStringLiteral("missing required key '%1' in [%2]").arg(key, m_sectionName));
    }
    Result<QString> text = value(key);
    if (text && text->trimmed().isEmpty())
        return error(found->line, QStringLiteral("required key '%1' is empty").arg(key));
    return text;
}

Result<double> JobConfigReader::seconds(const QString &key, double fallback) const
{
    if (!m_values.contains(key))
        return fallback;
    const Result<QString> text = value(key);
    if (!text)
        return text.error();
    bool ok = false;
    const double number = text->toDouble(&ok);
    if (!ok || !(number > 0 && number <= kMaxSeconds)) { // also rejects nan
        return error(m_values.value(key).line,
                     QStringLiteral("%1 must be a number of seconds > 0 and <= %2, got '%3'")
                         .arg(key)
                         .arg(kMaxSeconds)
                         .arg(IniFile::displayPath(*text)));
    }
    return number;
}

Result<void> JobConfigReader::readRequired()
{
    Result<QString> jobName = required(QStringLiteral("job_name"));
    if (!jobName)
        return jobName.error();
    if (const QString problem = JobConfig::jobNameProblem(*jobName); !problem.isEmpty()) {
        return error(m_values.value(QStringLiteral("job_name")).line,
                     QStringLiteral("%1, got '%2'").arg(problem, IniFile::displayPath(*jobName)));
    }
    m_config.m_jobName = *jobName;

    Result<QString> db = required(kDb);
    if (!db)
        return db.error();
    Result<ConnectionString> parsed = ConnectionString::parse(*db); // its errors quote no secret
    if (!parsed)
        return error(m_values.value(kDb).line, QStringLiteral("db: ") + parsed.error().message());
    m_config.m_db = *parsed;

    Result<QString> queue = required(QStringLiteral("queue_name"));
    if (!queue)
        return queue.error();
    if (const QString problem = JobConfig::queueNameProblem(*queue); !problem.isEmpty()) {
        return error(m_values.value(QStringLiteral("queue_name")).line,
                     QStringLiteral("%1, got '%2'").arg(problem, IniFile::displayPath(*queue)));
    }
    m_config.m_queueName = *queue;
    return {};
}

Result<void> JobConfigReader::readFiles()
{
    Result<QString> logFile
        = value(QStringLiteral("logfile"), QStringLiteral("~/log/%(job_name)s.log"));
    if (!logFile)
        return logFile.error();
    m_config.m_logFile = expandHome(*logFile);
    Result<QString> pidFile
        = value(QStringLiteral("pidfile"), QStringLiteral("~/pid/%(job_name)s.pid"));
    if (!pidFile)
        return pidFile.error();
    m_config.m_pidFile = expandHome(*pidFile);
    return {};
}

Result<void> JobConfigReader::readTuning()
{
    if (m_values.contains(QStringLiteral("parallel_copies"))) {
        const Result<QString> text = value(QStringLiteral("parallel_copies"));
        if (!text)
            return text.error();
        bool ok = false;
        const int copies = text->toInt(&ok);
        if (!ok || copies < 1) {
            return error(m_values.value(QStringLiteral("parallel_copies")).line,
                         QStringLiteral("parallel_copies must be a whole number >= 1, got '%1'")
                             .arg(IniFile::displayPath(*text)));
        }
        m_config.m_parallelCopies = copies;
    }

    if (m_values.contains(QStringLiteral("ticker"))) {
        const Result<QString> text = value(QStringLiteral("ticker"));
        if (!text)
            return text.error();
        // ConfigParser's getboolean() words, so `ticker = 1` works too.
        static const QStringList on = {QStringLiteral("on"), QStringLiteral("true"),
                                       QStringLiteral("yes"), QStringLiteral("1")};
        static const QStringList off = {QStringLiteral("off"), QStringLiteral("false"),
                                        QStringLiteral("no"), QStringLiteral("0")};
        if (on.contains(text->toLower())) {
            m_config.m_ticker = true;
        } else if (off.contains(text->toLower())) {
            m_config.m_ticker = false;
        } else {
            return error(m_values.value(QStringLiteral("ticker")).line,
                         QStringLiteral("ticker must be on or off, got '%1'")
                             .arg(IniFile::displayPath(*text)));
        }
    }

    const struct
    {
        const char *key;
        double *target;
    } durations[] = {{"loop_delay", &m_config.m_loopDelay},
                     {"lock_timeout", &m_config.m_lockTimeout},
                     {"ticker_period", &m_config.m_tickerPeriod},
                     {"retry_delay", &m_config.m_retryDelay}};
    for (const auto &duration : durations) {
        const Result<double> number = seconds(QLatin1String(duration.key), *duration.target);
        if (!number)
            return number.error();
        *duration.target = *number;
    }
    return {};
}

Result<JobConfig> JobConfigReader::read()
{
    m_sectionName = selectSection();
    if (m_sectionName.isEmpty())
        return error(0, QStringLiteral("no [ferry] section (run 'ferry --ini' for a template)"));
    for (const auto step : {&JobConfigReader::readRequired, &JobConfigReader::readFiles,
                            &JobConfigReader::readTuning}) {
        if (Result<void> done = (this->*step)(); !done)
            return done.error();
    }

    std::stable_sort(m_warnings.begin(), m_warnings.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    for (const auto &[line, text] : m_warnings)
        m_config.m_warnings.append(where(line) + QStringLiteral(": ") + text);
    return m_config;
}

QString JobConfig::jobNameProblem(const QString &name)
{
    // It names the consumer (at most 128 characters) and, by default, files.
    if (name.isEmpty() || name.size() > 128 || name.contains(QLatin1Char('/'))
        || std::any_of(name.cbegin(), name.cend(), [](QChar c) { return c.isSpace(); }))
        return QStringLiteral("job_name must be 1 to 128 characters without '/' or spaces");
    return {};
}

QString JobConfig::queueNameProblem(const QString &name)
{
    // The same rule as the queue table's CHECK, so a typo fails here, not later.
    static const QRegularExpression queueName(QStringLiteral("^[A-Za-z0-9_.-]{1,40}$"));
    if (!queueName.match(name).hasMatch())
        return QStringLiteral("queue_name must be 1 to 40 letters, digits, '_', '.' or '-'");
    return {};
}

Result<JobConfig> JobConfig::load(const QString &path)
{
    Result<IniFile> ini = IniFile::read(path);
    if (!ini)
        return ini.error();
    return JobConfigReader(*ini).read();
}

Result<JobConfig> JobConfig::parse(const QByteArray &data, const QString &path)
{
    Result<IniFile> ini = IniFile::parse(data, path);
    if (!ini)
        return ini.error();
    return JobConfigReader(*ini).read();
}

JobConfig reloadJobConfig(const JobConfig &current)
{
    Result<JobConfig> loaded = JobConfig::load(current.path());
    if (!loaded) {
        qWarning().noquote() << QStringLiteral("reload failed, keeping the running config: %1")
                                    .arg(loaded.error().toString());
        return current;
    }
    for (const QString &warning : loaded->warnings())
        qWarning().noquote() << warning;
    const JobConfig &next = loaded.value();
    if (next.jobName() != current.jobName() || next.pidFile() != current.pidFile()
        || next.logFile() != current.logFile()) {
        qWarning().noquote() << QStringLiteral(
            "job_name, pidfile and logfile changes take effect at the next start");
    }
    qInfo().noquote() << QStringLiteral("reloaded config %1").arg(current.path());
    return std::move(loaded).value();
}

JobConfig JobConfig::withDbPassword(const QString &password) const
{
    JobConfig copy = *this;
    copy.m_db.set(QStringLiteral("password"), password);
    return copy;
}

JobConfig JobConfig::withDb(const ConnectionString &db) const
{
    JobConfig copy = *this;
    copy.m_db = db;
    return copy;
}

} // namespace ferry
