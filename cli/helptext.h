#pragma once

#include <QString>

namespace ferry::cli {

// The text of `ferry --help`, built from commandTable().
QString helpText();

// The text of `ferry --version`: "ferry X.Y.Z" first, then the libraries in use.
QString versionText();

} // namespace ferry::cli
