#pragma once

#include <QStyledItemDelegate>

namespace ferry::gui {

// Paints a progress bar in the cells that carry a copy's progress (PercentRole: 0..100,
// or -1 for a busy bar when the total is unknown), with the cell's text inside it; other
// cells paint as usual.
class CopyProgressDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    static constexpr int PercentRole = Qt::UserRole + 1;

    explicit CopyProgressDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter,
               const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace ferry::gui
