#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace ferry {

// One `key = value` line. The key is trimmed and lowercased (as Python's
// ConfigParser does, so a londiste3 file reads the same); the value is kept
// verbatim apart from surrounding whitespace: no quote stripping, no inline
// comments, because a connection string's password may hold '#', ';' or '%'.
struct IniEntry
{
    QString key;
    QString value;
    int line = 0;
};

struct IniSection
{
    QString name; // as written between the brackets, trimmed
    int line = 0;
    QList<IniEntry> entries;
};

// The syntax londiste3 config files use, read by hand rather than by
// QSettings, which rewrites keys and values with spaces, quotes and '%'.
// Lines: `[section]`, `key = value` (or `key: value`), comments starting
// with '#' or ';', blank lines. CRLF and a UTF-8 BOM are accepted.
class IniFile
{
public:
    // Reads and parses `path`. Fails with a Config error that names the file.
    static Result<IniFile> read(const QString &path);
    // Parses `data` as if read from `path` (which only names it in messages).
    static Result<IniFile> parse(const QByteArray &data, const QString &path);

    // `path` fit for a message: passwords masked, control characters escaped.
    static QString displayPath(const QString &path);

    QString path() const { return m_path; }
    const QList<IniSection> &sections() const { return m_sections; }

private:
    QString m_path;
    QList<IniSection> m_sections; // in file order; a repeated name appears twice
};

} // namespace ferry
