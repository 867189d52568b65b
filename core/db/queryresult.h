#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

struct pg_result;

namespace ferry {

// Owns one PGresult from the moment libpq hands it over. Values are read as
// text (or raw bytes); typed conversion is left to the caller, who knows the
// query. Movable, not copyable.
class QueryResult
{
public:
    QueryResult() = default;
    explicit QueryResult(pg_result *result);

    int rowCount() const;
    int columnCount() const;
    QString columnName(int column) const;
    int columnIndex(const QString &name) const; // -1 when absent

    bool isNull(int row, int column) const;
    QByteArray bytes(int row, int column) const;
    QString text(int row, int column) const;
    qint64 toInt64(int row, int column) const;
    bool toBool(int row, int column) const;
    // Every row's value of one column, as text (NULL as an empty string).
    QStringList column(int column) const;
    // A value that is a JSON array of strings (array_to_json of a text[] or
    // name[]: names may hold any character, commas and quotes too).
    QStringList jsonStrings(int row, int column) const;

    // Rows touched by INSERT/UPDATE/DELETE/COPY, from the command tag.
    qint64 affectedRows() const;
    QString commandTag() const;

    pg_result *get() const { return m_result.get(); }

private:
    struct Clear
    {
        void operator()(pg_result *result) const;
    };
    std::unique_ptr<pg_result, Clear> m_result;
};

// The other way: strings as a JSON array, for a parameter the SQL reads
// with pg_catalog.json_array_elements_text($n::pg_catalog.json).
QString jsonArrayOf(const QStringList &values);

} // namespace ferry
