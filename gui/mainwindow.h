#pragma once

#include <QMainWindow>

class QAction;
class QLabel;
class QMenu;

namespace ferry::gui {

class EmptyStateWidget;

// The desktop manager's main window. For now it holds the menus, the status bar and
// the empty state; the cascade tree, lag charts and error log join it as core grows.
// Geometry and window state are kept in QSettings between runs.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // The size of a first start, before any geometry was saved.
    static QSize defaultSize() { return {1000, 640}; }

    // Opens the modal About Ferry box (objectName "aboutDialog").
    void showAbout();

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createMenus();
    void retranslateUi();
    void restoreSettings();
    void saveSettings() const;

    QMenu *m_fileMenu = nullptr;
    QMenu *m_helpMenu = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QAction *m_aboutQtAction = nullptr;
    QLabel *m_connectionLabel = nullptr;
    EmptyStateWidget *m_emptyState = nullptr;
};

} // namespace ferry::gui
