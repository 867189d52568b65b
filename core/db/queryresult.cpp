#include "queryresult.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <libpq-fe.h>

namespace ferry {

void QueryResult::Clear::operator()(pg_result *result) const
{
    PQclear(result);
}

QueryResult::QueryResult(pg_result *result)
    : m_result(result)
{}

int QueryResult::rowCount() const
{
    return m_result ? PQntuples(m_result.get()) : 0;
}

int QueryResult::columnCount() const
{
    return m_result ? PQnfields(m_result.get()) : 0;
}

QString QueryResult::columnName(int column) const
{
    return QString::fromUtf8(PQfname(m_result.get(), column));
}

int QueryResult::columnIndex(const QString &name) const
{
    for (int c = 0; c < columnCount(); ++c) {
        if (columnName(c) == name)
            return c;
    }
    return -1;
}

bool QueryResult::isNull(int row, int column) const
{
    return PQgetisnull(m_result.get(), row, column) != 0;
}

QByteArray QueryResult::bytes(int row, int column) const
{
    if (isNull(row, column))
        return {};
    return QByteArray(PQgetvalue(m_result.get(), row, column),
                      PQgetlength(m_result.get(), row, column));
}

QString QueryResult::text(int row, int column) const
{
    return QString::fromUtf8(bytes(row, column));
}

qint64 QueryResult::toInt64(int row, int column) const
{
    return bytes(row, column).toLongLong();
}

bool QueryResult::toBool(int row, int column) const
{
    const char *v = PQgetvalue(m_result.get(), row, column);
    return v && v[0] == 't';
}

QStringList QueryResult::column(int column) const
{
    QStringList values;
    values.reserve(rowCount());
    for (int row = 0; row < rowCount(); ++row)
        values.append(text(row, column));
    return values;
}

QStringList QueryResult::jsonStrings(int row, int column) const
{
    QStringList values;
    for (const QJsonValue &v : QJsonDocument::fromJson(bytes(row, column)).array())
        values.append(v.toString());
    return values;
}

QString jsonArrayOf(const QStringList &values)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(values)).toJson(QJsonDocument::Compact));
}

qint64 QueryResult::affectedRows() const
{
    return m_result ? QByteArray(PQcmdTuples(m_result.get())).toLongLong() : 0;
}

QString QueryResult::commandTag() const
{
    return m_result ? QString::fromUtf8(PQcmdStatus(m_result.get())) : QString();
}

} // namespace ferry
