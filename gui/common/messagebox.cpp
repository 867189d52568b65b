#include "common/messagebox.h"

#include <QApplication>
#include <QFontMetrics>
#include <QGridLayout>
#include <QSpacerItem>

namespace ferry::gui {

namespace {

// The title bar's icon and its three buttons, and margins, in a common theme.
constexpr int kTitleBarExtraPx = 160;

} // namespace

int titleWidth(const QString &title)
{
    // Title bars often use a bold and slightly larger font than the window.
    QFont font = QApplication::font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.1);
    QString shown = title;
    const QString app = QGuiApplication::applicationDisplayName();
    if (!app.isEmpty() && !title.endsWith(app))
        shown += QStringLiteral(" — ") + app;
    return QFontMetrics(font).horizontalAdvance(shown) + kTitleBarExtraPx;
}

void fitTitle(QMessageBox *box)
{
    auto *grid = qobject_cast<QGridLayout *>(box->layout());
    if (!grid)
        return;
    // QMessageBox ignores setMinimumWidth(); a spacer across its grid holds.
    grid->addItem(new QSpacerItem(titleWidth(box->windowTitle()), 0, QSizePolicy::Minimum,
                                  QSizePolicy::Fixed),
                  grid->rowCount(), 0, 1, grid->columnCount());
}

QMessageBox *openMessageBox(QWidget *parent,
                            QMessageBox::Icon icon,
                            const QString &objectName,
                            const QString &title,
                            const QString &text,
                            const QString &informativeText,
                            QMessageBox::StandardButtons buttons)
{
    auto *box = new QMessageBox(parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(objectName);
    box->setIcon(icon);
    box->setWindowTitle(title);
    box->setText(text);
    box->setInformativeText(informativeText);
    box->setStandardButtons(buttons);
    fitTitle(box);
    box->open();
    return box;
}

} // namespace ferry::gui
