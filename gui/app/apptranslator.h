#pragma once

#include <QLocale>
#include <QTranslator>

namespace ferry::gui {

// Ferry's own catalog (embedded under :/i18n) plus Qt's catalog for one language,
// installed on the application for as long as this object lives. Widgets retranslate
// themselves on the QEvent::LanguageChange that installing and removing sends.
class AppTranslator
{
public:
    explicit AppTranslator(const QLocale &locale);
    ~AppTranslator();

    AppTranslator(const AppTranslator &) = delete;
    AppTranslator &operator=(const AppTranslator &) = delete;

    // True when Ferry has a catalog for the locale (false for English, the source language).
    bool isLoaded() const { return m_ferryInstalled; }

    // The language the user asked for: an explicit name such as "zh_CN" (from --lang)
    // wins; otherwise the system locale, which on Unix honours LANGUAGE, LC_ALL and LANG.
    static QLocale uiLocale(const QString &explicitName = QString());

private:
    QTranslator m_ferry;
    QTranslator m_qt;
    bool m_ferryInstalled = false;
    bool m_qtInstalled = false;
};

} // namespace ferry::gui
