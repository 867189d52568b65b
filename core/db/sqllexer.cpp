#include "sqllexer.h"

namespace ferry {

namespace {

// The server's whitespace: ASCII only (a no-break space is part of a name).
bool isSqlSpace(QChar c)
{
    return c == QLatin1Char(' ') || c == QLatin1Char('\t') || c == QLatin1Char('\n')
           || c == QLatin1Char('\r') || c == QLatin1Char('\f') || c == QLatin1Char('\v');
}

// The server's digits are ASCII; any other character from 0x80 up is part
// of a name there (QChar::isDigit() also takes U+0660 and the like).
bool isAsciiDigit(QChar c)
{
    return c >= QLatin1Char('0') && c <= QLatin1Char('9');
}

bool isIdentStart(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || u == u'_' || u >= 0x80;
}

bool isIdentChar(QChar c)
{
    return isIdentStart(c) || isAsciiDigit(c) || c == QLatin1Char('$');
}

bool isOperatorChar(QChar c)
{
    return QStringView(u"+-*/<>=~!@#%^&|`?").contains(c);
}

Error unterminated(const QString &what, qsizetype at)
{
    return Error(ErrorKind::Usage,
                 QStringLiteral("%1 starting at character %2 is not closed").arg(what).arg(at + 1));
}

// The end of a '...' string starting at `open` (the quote); backslashes
// escape in E'' strings.
std::optional<qsizetype> stringEnd(const QString &s, qsizetype open, bool backslashes)
{
    for (qsizetype i = open + 1; i < s.size(); ++i) {
        if (backslashes && s.at(i) == QLatin1Char('\\')) {
            ++i;
            continue;
        }
        if (s.at(i) == QLatin1Char('\'')) {
            if (i + 1 < s.size() && s.at(i + 1) == QLatin1Char('\''))
                ++i; // '' is a quote inside
            else
                return i + 1;
        }
    }
    return std::nullopt;
}

std::optional<qsizetype> quotedEnd(const QString &s, qsizetype open)
{
    for (qsizetype i = open + 1; i < s.size(); ++i) {
        if (s.at(i) == QLatin1Char('"')) {
            if (i + 1 < s.size() && s.at(i + 1) == QLatin1Char('"'))
                ++i;
            else
                return i + 1;
        }
    }
    return std::nullopt;
}

} // namespace

Result<QList<SqlToken>> tokenizeSql(const QString &s)
{
    QList<SqlToken> tokens;
    qsizetype i = 0;
    const qsizetype n = s.size();
    const auto at = [&](qsizetype k) {
        return k < n ? s.at(k) : QChar();
    };
    while (i < n) {
        SqlToken t;
        t.start = i;
        const QChar c = s.at(i);
        if (isSqlSpace(c)) {
            t.kind = SqlToken::Kind::Space;
            while (i < n && isSqlSpace(s.at(i)))
                ++i;
        } else if (c == QLatin1Char('-') && at(i + 1) == QLatin1Char('-')) {
            // To the end of the line, which the server ends at \r too.
            t.kind = SqlToken::Kind::Comment;
            while (i < n && s.at(i) != QLatin1Char('\n') && s.at(i) != QLatin1Char('\r'))
                ++i;
        } else if (c == QLatin1Char('/') && at(i + 1) == QLatin1Char('*')) {
            t.kind = SqlToken::Kind::Comment;
            int depth = 0;
            do {
                if (s.at(i) == QLatin1Char('/') && at(i + 1) == QLatin1Char('*')) {
                    ++depth;
                    i += 2;
                } else if (s.at(i) == QLatin1Char('*') && at(i + 1) == QLatin1Char('/')) {
                    --depth;
                    i += 2;
                } else {
                    ++i;
                }
            } while (depth > 0 && i < n);
            if (depth > 0)
                return unterminated(QStringLiteral("a /* comment"), t.start);
        } else if (c == QLatin1Char('\'')
                   || (QStringView(u"EeBbXxNn").contains(c) && at(i + 1) == QLatin1Char('\''))
                   || (QStringView(u"Uu").contains(c) && at(i + 1) == QLatin1Char('&')
                       && at(i + 2) == QLatin1Char('\''))) {
            t.kind = SqlToken::Kind::String;
            const qsizetype open = s.indexOf(QLatin1Char('\''), i);
            const auto end = stringEnd(s, open, c == QLatin1Char('E') || c == QLatin1Char('e'));
            if (!end)
                return unterminated(QStringLiteral("a string"), t.start);
            i = *end;
        } else if (c == QLatin1Char('"')
                   || (QStringView(u"Uu").contains(c) && at(i + 1) == QLatin1Char('&')
                       && at(i + 2) == QLatin1Char('"'))) {
            t.kind = SqlToken::Kind::QuotedIdentifier;
            const auto end = quotedEnd(s, s.indexOf(QLatin1Char('"'), i));
            if (!end)
                return unterminated(QStringLiteral("a quoted name"), t.start);
            i = *end;
        } else if (c == QLatin1Char('$') && isAsciiDigit(at(i + 1))) {
            // ASCII digits only, as the server reads $1: `$٠$` opens a
            // dollar quote there.
            t.kind = SqlToken::Kind::Parameter;
            ++i;
            while (i < n && isAsciiDigit(s.at(i)))
                ++i;
        } else if (c == QLatin1Char('$')) {
            // $tag$ ... $tag$ (the tag may be empty)
            qsizetype k = i + 1;
            while (k < n && s.at(k) != QLatin1Char('$')
                   && (k == i + 1 ? isIdentStart(s.at(k)) : isIdentChar(s.at(k))))
                ++k;
            if (k >= n || s.at(k) != QLatin1Char('$')) {
                t.kind = SqlToken::Kind::Operator; // a lone $: the server refuses it
                ++i;
            } else {
                t.kind = SqlToken::Kind::String;
                const QString tag = s.mid(i, k - i + 1);
                const qsizetype close = s.indexOf(tag, k + 1);
                if (close < 0)
                    return unterminated(QStringLiteral("a dollar-quoted string"), t.start);
                i = close + tag.size();
            }
        } else if (isIdentStart(c)) {
            t.kind = SqlToken::Kind::Identifier;
            while (i < n && isIdentChar(s.at(i)))
                ++i;
        } else if (isAsciiDigit(c) || (c == QLatin1Char('.') && isAsciiDigit(at(i + 1)))) {
            t.kind = SqlToken::Kind::Number;
            while (
                i < n
                && ((s.at(i).unicode() < 0x80 && s.at(i).isLetterOrNumber())
                    || s.at(i) == QLatin1Char('.') || s.at(i) == QLatin1Char('_')
                    || ((s.at(i) == QLatin1Char('+') || s.at(i) == QLatin1Char('-'))
                        && (s.at(i - 1) == QLatin1Char('e') || s.at(i - 1) == QLatin1Char('E')))))
                ++i;
        } else if (c == QLatin1Char(':') && at(i + 1) == QLatin1Char(':')) {
            t.kind = SqlToken::Kind::Operator;
            i += 2;
        } else if (isOperatorChar(c)) {
            t.kind = SqlToken::Kind::Operator;
            while (i < n && isOperatorChar(s.at(i))
                   && !(i > t.start
                        && ((s.at(i) == QLatin1Char('-') && at(i + 1) == QLatin1Char('-'))
                            || (s.at(i) == QLatin1Char('/') && at(i + 1) == QLatin1Char('*')))))
                ++i;
        } else {
            t.kind = SqlToken::Kind::Punctuation;
            ++i;
        }
        t.length = i - t.start;
        tokens.append(t);
    }
    return tokens;
}

bool holdsStatement(const QString &sql)
{
    auto tokens = tokenizeSql(sql);
    if (!tokens)
        return true;
    for (const SqlToken &t : std::as_const(*tokens)) {
        if (t.kind != SqlToken::Kind::Space && t.kind != SqlToken::Kind::Comment
            && !(t.kind == SqlToken::Kind::Punctuation && t.text(sql) == QLatin1String(";")))
            return true;
    }
    return false;
}

} // namespace ferry
