#include "failuretext.h"

namespace ferry {

QString formatKey(const QStringList &names, const QStringList &values)
{
    return QStringLiteral("(%1)=(%2)")
        .arg(names.join(QStringLiteral(", ")), values.join(QStringLiteral(", ")));
}

QString encodingAdvice(const Error &error)
{
    // 22P05 untranslatable_character, 22021 character_not_in_repertoire.
    if (error.sqlState() != QLatin1String("22P05") && error.sqlState() != QLatin1String("22021"))
        return {};
    return QStringLiteral(": the node's database encoding cannot hold this text; change the value "
                          "on the root, or give the node a database in UTF8");
}

} // namespace ferry
