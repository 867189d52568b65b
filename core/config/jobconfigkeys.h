#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

// Which keys a [ferry] section knows, and what to tell a user about others.
// Internal to core/config.
namespace ferry::jobconfigkeys {

// Every key JobConfig reads.
const QStringList &knownKeys();

// londiste3/skytools settings a copied file may carry, each with a note on
// why Ferry needs none (possibly empty): ignored without a "did you mean",
// since they are not typos.
const QHash<QString, QString> &londisteOnlyKeys();

// The known key closest to a misspelt one, or an empty string.
QString suggestion(const QString &key);

} // namespace ferry::jobconfigkeys
