#include "cascade/copyprogressdelegate.h"

#include <QApplication>
#include <QPainter>
#include <QStyleOptionProgressBar>

namespace ferry::gui {

namespace {

constexpr int kMinBarWidth = 120;
constexpr int kTextPadding = 24; // room beside the text inside the bar
constexpr int kBarMargin = 2;    // between the bar and the cell's edges

// A bar holds a line of text with the frame around it.
int barHeight(const QFontMetrics &metrics)
{
    return metrics.height() + 6;
}

QStyle *styleOf(const QStyleOptionViewItem &option)
{
    return option.widget ? option.widget->style() : QApplication::style();
}

} // namespace

CopyProgressDelegate::CopyProgressDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{}

void CopyProgressDelegate::paint(QPainter *painter,
                                 const QStyleOptionViewItem &option,
                                 const QModelIndex &index) const
{
    const QVariant value = index.data(PercentRole);
    if (!value.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem item(option);
    initStyleOption(&item, index);
    QStyle *style = styleOf(option);
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &item, painter, option.widget);

    const int percent = value.toInt();
    QStyleOptionProgressBar bar;
    bar.state = (option.state & QStyle::State_Enabled) | QStyle::State_Horizontal;
    bar.direction = option.direction;
    bar.palette = option.palette;
    bar.fontMetrics = option.fontMetrics;
    const int height = qMin(barHeight(option.fontMetrics), option.rect.height());
    bar.rect = QRect(option.rect.left() + kBarMargin,
                     option.rect.top() + (option.rect.height() - height) / 2,
                     option.rect.width() - 2 * kBarMargin, height);
    bar.minimum = 0;
    bar.maximum = percent < 0 ? 0 : 100; // 0..0 is a busy bar
    bar.progress = qMax(0, percent);
    bar.text = index.data(Qt::DisplayRole).toString();
    bar.textVisible = true;
    bar.textAlignment = Qt::AlignCenter;
    painter->save();
    painter->setFont(option.font);
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, option.widget);
    painter->restore();
}

QSize CopyProgressDelegate::sizeHint(const QStyleOptionViewItem &option,
                                     const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    // Every row of the column fits a bar: with uniform row heights the first row's
    // height is every row's, and the first table may not be the one copying.
    size.setHeight(qMax(size.height(), barHeight(option.fontMetrics) + 2 * kBarMargin));
    if (index.data(PercentRole).isValid()) {
        const int text
            = option.fontMetrics.horizontalAdvance(index.data(Qt::DisplayRole).toString());
        // The bar takes the whole cell: as wide as its text, no icon beside it.
        size.setWidth(qMax(kMinBarWidth, text + kTextPadding));
    }
    return size;
}

} // namespace ferry::gui
