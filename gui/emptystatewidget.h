#pragma once

#include <QWidget>

class QLabel;

namespace ferry::gui {

// What the main window shows while the desktop manager has nothing to manage: what
// Ferry is and which views are still to come. It offers no controls on purpose --
// nothing here pretends a feature exists before it does.
class EmptyStateWidget : public QWidget
{
    Q_OBJECT

public:
    explicit EmptyStateWidget(QWidget *parent = nullptr);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();

    QLabel *m_icon = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_roadmap = nullptr;
};

} // namespace ferry::gui
