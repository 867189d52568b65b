#include "connectionstring.h"

#include <QRegularExpression>
#include <QStringList>

#include <libpq-fe.h>

#include <algorithm>
#include <memory>

namespace ferry {

namespace {

const QString kMask = QStringLiteral("********");

// Keywords shown first, in the order a DBA reads them; the rest follow in libpq's order.
const QStringList &leadingKeywords()
{
    static const QStringList keys
        = {QStringLiteral("host"),   QStringLiteral("hostaddr"), QStringLiteral("port"),
           QStringLiteral("dbname"), QStringLiteral("user"),     QStringLiteral("password")};
    return keys;
}

struct OptionsDeleter
{
    void operator()(PQconninfoOption *options) const { PQconninfoFree(options); }
};

// libpq's parse errors quote pieces of the input, which may be a password.
// Keep the kind of mistake and drop the quoted text.
QString describeParseError(const QString &libpqMessage)
{
    static const QRegularExpression invalidOption(
        QStringLiteral("invalid (?:connection|URI query parameter)[^\"]*\"([A-Za-z_]{1,40})\""));
    const auto match = invalidOption.match(libpqMessage);
    if (match.hasMatch())
        return QStringLiteral("unknown option \"%1\"").arg(match.captured(1));
    if (libpqMessage.contains(QLatin1String("missing \"=\"")))
        return QStringLiteral("a keyword without \"=value\" (write keyword=value, quote values "
                              "with spaces in single quotes)");
    if (libpqMessage.contains(QLatin1String("unterminated quoted string")))
        return QStringLiteral("an unterminated quoted value (close it with ')");
    if (libpqMessage.contains(QLatin1String("URI")))
        return QStringLiteral("a malformed URI (expected postgresql://user@host:port/dbname?...)");
    return QStringLiteral("a malformed connection string");
}

} // namespace

Result<ConnectionString> ConnectionString::parse(const QString &text)
{
    if (text.trimmed().isEmpty())
        return Error(ErrorKind::Config, QStringLiteral("empty connection string"));

    char *rawError = nullptr;
    std::unique_ptr<PQconninfoOption, OptionsDeleter> options(
        PQconninfoParse(text.toUtf8().constData(), &rawError));
    if (!options) {
        const QString libpqMessage = rawError ? QString::fromUtf8(rawError) : QString();
        PQfreemem(rawError);
        return Error(
            ErrorKind::Config,
            QStringLiteral("invalid connection string: %1").arg(describeParseError(libpqMessage)));
    }

    QList<Param> leading;
    QList<Param> rest;
    for (const PQconninfoOption *o = options.get(); o->keyword; ++o) {
        if (!o->val)
            continue;
        const Param p(QString::fromUtf8(o->keyword), QString::fromUtf8(o->val));
        (leadingKeywords().contains(p.first) ? leading : rest).append(p);
    }
    std::sort(leading.begin(), leading.end(), [](const Param &a, const Param &b) {
        return leadingKeywords().indexOf(a.first) < leadingKeywords().indexOf(b.first);
    });

    ConnectionString cs;
    cs.m_params = leading + rest;
    return cs;
}

QString ConnectionString::maskText(const QString &text)
{
    // keyword=value: the value may be 'quoted with \' escapes' or a bare word.
    static const QRegularExpression keywordForm(
        QStringLiteral("\\b((?:ssl)?password)(\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'?|\\S*)"));
    // URI: scheme://user:secret@host  and  ?password=secret&...
    static const QRegularExpression uriUserInfo(QStringLiteral("(://[^:/@\\s]*:)[^@\\s]*@"));
    static const QRegularExpression uriParam(QStringLiteral("([?&](?:ssl)?password=)[^&\\s]*"));

    QString masked = text;
    masked.replace(keywordForm, QStringLiteral("\\1\\2") + kMask);
    masked.replace(uriUserInfo, QStringLiteral("\\1") + kMask + QLatin1Char('@'));
    masked.replace(uriParam, QStringLiteral("\\1") + kMask);
    return masked;
}

bool ConnectionString::contains(const QString &keyword) const
{
    for (const Param &p : m_params) {
        if (p.first == keyword)
            return true;
    }
    return false;
}

QString ConnectionString::value(const QString &keyword) const
{
    for (const Param &p : m_params) {
        if (p.first == keyword)
            return p.second;
    }
    return {};
}

void ConnectionString::set(const QString &keyword, const QString &value)
{
    for (Param &p : m_params) {
        if (p.first == keyword) {
            p.second = value;
            return;
        }
    }
    m_params.append(Param(keyword, value));
}

void ConnectionString::remove(const QString &keyword)
{
    m_params.removeIf([&](const Param &p) { return p.first == keyword; });
}

QString ConnectionString::toString() const
{
    return render(false);
}

QString ConnectionString::masked() const
{
    return render(true);
}

ConnectionString ConnectionString::withEnvironment(const QStringList &ignored) const
{
    ConnectionString completed = *this;
    // PQconndefaults() applies libpq's own precedence: PGSERVICE's file,
    // then PG* variables, then compiled defaults (the login name for user).
    std::unique_ptr<PQconninfoOption, OptionsDeleter> defaults(PQconndefaults());
    if (!defaults)
        return completed;
    static const QStringList notCarried
        = {QStringLiteral("passfile"), QStringLiteral("service"), QStringLiteral("servicefile")};
    for (const PQconninfoOption *o = defaults.get(); o->keyword; ++o) {
        const QString keyword = QString::fromUtf8(o->keyword);
        if (!o->val || !*o->val || contains(keyword) || isSecretKeyword(keyword)
            || notCarried.contains(keyword) || ignored.contains(keyword))
            continue;
        const bool fromEnvironment = o->envvar && qEnvironmentVariableIsSet(o->envvar);
        // A compiled default is the same for every process of this libpq.
        if (!fromEnvironment && o->compiled && qstrcmp(o->val, o->compiled) == 0)
            continue;
        completed.set(keyword, QString::fromUtf8(o->val));
    }
    const auto rank = [](const Param &p) {
        const qsizetype i = leadingKeywords().indexOf(p.first);
        return i < 0 ? leadingKeywords().size() : i;
    };
    std::stable_sort(completed.m_params.begin(), completed.m_params.end(),
                     [&rank](const Param &a, const Param &b) { return rank(a) < rank(b); });
    return completed;
}

QString ConnectionString::displayName() const
{
    QString host = value(QStringLiteral("host"));
    if (host.isEmpty())
        host = value(QStringLiteral("hostaddr"));
    if (host.isEmpty())
        host = QStringLiteral("localhost");
    QString text;
    if (contains(QStringLiteral("user")))
        text += value(QStringLiteral("user")) + QLatin1Char('@');
    text += host;
    if (contains(QStringLiteral("port")))
        text += QLatin1Char(':') + value(QStringLiteral("port"));
    if (contains(QStringLiteral("dbname")))
        text += QLatin1Char('/') + value(QStringLiteral("dbname"));
    return text;
}

bool ConnectionString::isSecretKeyword(const QString &keyword)
{
    return keyword == QLatin1String("password") || keyword == QLatin1String("sslpassword");
}

QString ConnectionString::quoteValue(const QString &value)
{
    static const QRegularExpression needsQuotes(QStringLiteral("[\\s'\\\\]"));
    if (!value.isEmpty() && !value.contains(needsQuotes))
        return value;
    QString quoted = value;
    quoted.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    quoted.replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString ConnectionString::render(bool maskSecrets) const
{
    QStringList parts;
    parts.reserve(m_params.size());
    for (const Param &p : m_params) {
        const QString v = (maskSecrets && isSecretKeyword(p.first)) ? kMask : quoteValue(p.second);
        parts.append(p.first + QLatin1Char('=') + v);
    }
    return parts.join(QLatin1Char(' '));
}

} // namespace ferry
