#pragma once

#include <QString>
#include <QStringList>

namespace ferry {

// `word` as a POSIX shell reads it back as one argument: plain words stay as
// they are, anything else goes in single quotes ('it'\''s').
QString shellWord(const QString &word);
// The words joined with spaces, each quoted as needed.
QString shellCommand(const QStringList &words);

} // namespace ferry
