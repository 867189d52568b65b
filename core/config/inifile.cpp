#include "config/inifile.h"

#include "db/connectionstring.h"

#include <QFile>
#include <QFileInfo>
#include <QStringDecoder>

namespace ferry {

namespace {

// A config file is a few hundred bytes; anything this big is the wrong file
// (or /dev/zero), and reading it whole would hang or exhaust memory.
constexpr qint64 kMaxSize = 1024 * 1024;

Error lineError(const QString &path, int line, const QString &message)
{
    return Error(
        ErrorKind::Config,
        QStringLiteral("%1:%2: %3").arg(IniFile::displayPath(path)).arg(line).arg(message));
}

bool isComment(const QString &trimmed)
{
    return trimmed.startsWith(QLatin1Char('#')) || trimmed.startsWith(QLatin1Char(';'));
}

} // namespace

QString IniFile::displayPath(const QString &path)
{
    QString text;
    for (const QChar c : ConnectionString::maskText(path)) {
        // A newline in a file name must not break the one-line message.
        if (c.category() == QChar::Other_Control)
            text += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            text += c;
    }
    return text;
}

Result<IniFile> IniFile::read(const QString &path)
{
    const auto cannotRead = [&path](const QString &reason) {
        return Error(
            ErrorKind::Config,
            QStringLiteral("cannot read config file '%1': %2").arg(displayPath(path), reason));
    };
    // QFile opens a directory without complaint on Linux; say what it is.
    if (QFileInfo(path).isDir())
        return cannotRead(QStringLiteral("Is a directory"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return cannotRead(file.errorString());
    const QByteArray data = file.read(kMaxSize + 1);
    if (file.error() != QFileDevice::NoError)
        return cannotRead(file.errorString());
    if (data.size() > kMaxSize)
        return cannotRead(QStringLiteral("larger than 1 MiB, not a config file"));
    return parse(data, path);
}

Result<IniFile> IniFile::parse(const QByteArray &data, const QString &path)
{
    QStringDecoder decoder(QStringDecoder::Utf8);
    QString text = decoder.decode(data);
    if (decoder.hasError()) {
        return Error(ErrorKind::Config,
                     QStringLiteral("%1: not UTF-8 text").arg(displayPath(path)));
    }
    if (text.startsWith(QChar(0xFEFF))) // a BOM the decoder kept
        text.remove(0, 1);

    IniFile ini;
    ini.m_path = path;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int number = int(i + 1);
        const QString trimmed = lines.at(i).trimmed(); // also drops CRLF's '\r'
        if (trimmed.isEmpty() || isComment(trimmed))
            continue;

        if (trimmed.startsWith(QLatin1Char('['))) {
            const qsizetype close = trimmed.indexOf(QLatin1Char(']'));
            const QString rest = close < 0 ? QString() : trimmed.mid(close + 1).trimmed();
            const QString name = close < 0 ? QString() : trimmed.mid(1, close - 1).trimmed();
            if (close < 0 || name.isEmpty() || !(rest.isEmpty() || isComment(rest)))
                return lineError(path, number, QStringLiteral("malformed section header"));
            ini.m_sections.append({name, number, {}});
            continue;
        }

        // The first '=' or ':' ends the key, as in ConfigParser; the value
        // may hold more of both (host=x port=5432, postgresql://u@h:5432/d).
        qsizetype split = -1;
        for (qsizetype j = 0; j < trimmed.size() && split < 0; ++j) {
            if (trimmed.at(j) == QLatin1Char('=') || trimmed.at(j) == QLatin1Char(':'))
                split = j;
        }
        const QString key = split < 0 ? QString() : trimmed.left(split).trimmed().toLower();
        // The line itself is never echoed: it may be part of a password.
        if (key.isEmpty()) {
            return lineError(path, number,
                             QStringLiteral("expected 'key = value', a [section] or a # comment"));
        }
        if (ini.m_sections.isEmpty()) {
            return lineError(path, number,
                             QStringLiteral("key '%1' comes before any section; put [ferry] "
                                            "above it")
                                 .arg(displayPath(key)));
        }
        ini.m_sections.last().entries.append({key, trimmed.mid(split + 1).trimmed(), number});
    }
    return ini;
}

} // namespace ferry
