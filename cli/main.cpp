#include "dispatcher.h"
#include "util/version.h"

#include <QCoreApplication>

// Thin on purpose: parsing and dispatch live in dispatcher.cpp and below.
int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ferry"));
    QCoreApplication::setApplicationVersion(ferry::version());
    return ferry::cli::run(QCoreApplication::arguments().mid(1));
}
