#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace ferry::gui {

// What the main window shows while no config is open: what Ferry is, how to start
// watching a cascade, and which views are still to come. Its one button opens a
// config; nothing here pretends a feature exists before it does.
class EmptyStateWidget : public QWidget
{
    Q_OBJECT

public:
    explicit EmptyStateWidget(QWidget *parent = nullptr);

signals:
    void openRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();

    QLabel *m_icon = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_summary = nullptr;
    QPushButton *m_open = nullptr;
    QLabel *m_roadmap = nullptr;
};

} // namespace ferry::gui
