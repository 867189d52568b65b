#pragma once

#include <QAbstractButton>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QKeySequence>
#include <QLabel>
#include <QMap>
#include <QMenu>
#include <QMenuBar>
#include <QTabBar>

namespace ferry::test {

// The key Alt+ goes to for `text` ("&Save" gives "Alt+S"); empty without one.
inline QString mnemonicOf(const QString &text)
{
    return QKeySequence::mnemonic(text).toString(QKeySequence::PortableText);
}

namespace detail {

inline QStringList clashesOf(const QMap<QString, QStringList> &owners)
{
    QStringList clashes;
    for (auto it = owners.cbegin(); it != owners.cend(); ++it) {
        if (it.value().size() > 1)
            clashes << it.key() + QStringLiteral(": ") + it.value().join(QStringLiteral(" | "));
    }
    return clashes;
}

} // namespace detail

// The Alt+ keys that two visible controls of `window` answer alike, as
// "Alt+S: &SSL mode: | Save"; empty when none. A label counts when it has a
// buddy. A standard button of a QDialogButtonBox whose text has no '&' (this
// platform's theme gives it none) counts with its first letter, as the
// GNOME and KDE themes give it one ("&Save", "&Cancel").
inline QStringList mnemonicClashes(QWidget *window)
{
    QMap<QString, QStringList> owners;
    const auto add = [&owners](const QString &key, const QString &text) {
        if (!key.isEmpty())
            owners[key].append(text);
    };
    for (QWidget *w : window->findChildren<QWidget *>()) {
        if (!w->isVisibleTo(window))
            continue;
        if (auto *label = qobject_cast<QLabel *>(w)) {
            if (label->buddy())
                add(mnemonicOf(label->text()), label->text());
        } else if (auto *button = qobject_cast<QAbstractButton *>(w)) {
            QString key = mnemonicOf(button->text());
            const auto *box = qobject_cast<QDialogButtonBox *>(button->parentWidget());
            if (key.isEmpty() && box && box->standardButton(button) != QDialogButtonBox::NoButton
                && !button->text().isEmpty())
                key = mnemonicOf(QLatin1Char('&') + button->text());
            add(key, button->text());
        } else if (auto *group = qobject_cast<QGroupBox *>(w)) {
            add(mnemonicOf(group->title()), group->title());
        } else if (auto *tabs = qobject_cast<QTabBar *>(w)) {
            for (int i = 0; i < tabs->count(); ++i)
                add(mnemonicOf(tabs->tabText(i)), tabs->tabText(i));
        } else if (auto *bar = qobject_cast<QMenuBar *>(w)) {
            for (const QAction *action : bar->actions()) {
                if (action->isVisible())
                    add(mnemonicOf(action->text()), action->text());
            }
        }
    }
    return detail::clashesOf(owners);
}

// The same among the visible actions of one menu (and, each on its own, of
// its submenus).
inline QStringList menuMnemonicClashes(const QMenu *menu)
{
    QMap<QString, QStringList> owners;
    QStringList clashes;
    for (const QAction *action : menu->actions()) {
        if (!action->isVisible() || action->isSeparator())
            continue;
        const QString key = mnemonicOf(action->text());
        if (!key.isEmpty())
            owners[key].append(action->text());
        if (const QMenu *sub = action->menu())
            clashes << menuMnemonicClashes(sub);
    }
    return detail::clashesOf(owners) + clashes;
}

} // namespace ferry::test
