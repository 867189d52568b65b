#include "app/apptranslator.h"

#include <QCoreApplication>
#include <QLibraryInfo>

namespace ferry::gui {

AppTranslator::AppTranslator(const QLocale &locale)
{
    if (m_ferry.load(locale, QStringLiteral("ferry"), QStringLiteral("_"),
                     QStringLiteral(":/i18n")))
        m_ferryInstalled = QCoreApplication::installTranslator(&m_ferry);
    // Qt's own strings (standard buttons, the About Qt box) only when Ferry speaks the
    // language too, so the window never mixes two foreign languages.
    if (m_ferryInstalled
        && m_qt.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                     QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        m_qtInstalled = QCoreApplication::installTranslator(&m_qt);
    }
}

AppTranslator::~AppTranslator()
{
    if (m_qtInstalled)
        QCoreApplication::removeTranslator(&m_qt);
    if (m_ferryInstalled)
        QCoreApplication::removeTranslator(&m_ferry);
}

QLocale AppTranslator::uiLocale(const QString &explicitName)
{
    if (!explicitName.isEmpty())
        return QLocale(explicitName);
    return QLocale::system();
}

} // namespace ferry::gui
