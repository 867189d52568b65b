#pragma once

#include "util/result.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace ferry {

// A libpq connection string held as an ordered list of keyword/value pairs.
// Accepts both libpq forms: "host=h port=5432 dbname='my db'" and
// "postgresql://user:secret@h:5432/db?sslmode=require". It exists so that a
// connection string can be shown, logged or stored in an error message
// without ever revealing a password: masked() replaces every secret.
class ConnectionString
{
public:
    using Param = QPair<QString, QString>;

    ConnectionString() = default;

    // Parses either form. Fails with a Config error that quotes no secret.
    static Result<ConnectionString> parse(const QString &text);

    // Masks the secrets in any text that looks like a connection string,
    // even one that does not parse: the safe way to put user input in a log.
    static QString maskText(const QString &text);

    bool isEmpty() const { return m_params.isEmpty(); }
    QList<Param> params() const { return m_params; }
    bool contains(const QString &keyword) const;
    QString value(const QString &keyword) const;
    void set(const QString &keyword, const QString &value); // replaces or appends
    void remove(const QString &keyword);

    // keyword=value form, values quoted where libpq needs it. Holds secrets:
    // only for handing to libpq, never for display.
    QString toString() const;
    // Same, with every secret value replaced by "********".
    QString masked() const;

    // This string as libpq completes it in this process, for a process that
    // has not its environment (a service): every parameter it does not set
    // that libpq takes from here added (PG* variables, the values of the
    // service PGSERVICE names, the login name as user). Never adds a secret,
    // passfile, service or servicefile, nor a keyword in `ignored` (what the
    // caller sets itself); compiled-in defaults are left out.
    ConnectionString withEnvironment(const QStringList &ignored = {}) const;

    // "user@host:port/dbname", for titles and log prefixes.
    QString displayName() const;

    static bool isSecretKeyword(const QString &keyword);
    static QString quoteValue(const QString &value);

private:
    QString render(bool maskSecrets) const;

    QList<Param> m_params;
};

} // namespace ferry
