#include "mainwindow.h"

#include "application.h"
#include "emptystatewidget.h"
#include "util/version.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

namespace ferry::gui {

namespace {

QString geometryKey()
{
    return QStringLiteral("MainWindow/geometry");
}

QString stateKey()
{
    return QStringLiteral("MainWindow/state");
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
{
    setObjectName(QStringLiteral("MainWindow"));
    // The product name is not translated.
    setWindowTitle(QStringLiteral("Ferry"));
    setWindowIcon(applicationIcon());

    createActions();
    createMenus();

    m_connectionLabel = new QLabel(this);
    m_connectionLabel->setObjectName(QStringLiteral("connectionStatus"));
    m_connectionLabel->setContentsMargins(6, 0, 6, 0);
    statusBar()->setObjectName(QStringLiteral("statusBar"));
    statusBar()->addWidget(m_connectionLabel, 1);

    m_emptyState = new EmptyStateWidget(this);
    setCentralWidget(m_emptyState);

    retranslateUi();
    restoreSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    m_quitAction = new QAction(this);
    m_quitAction->setObjectName(QStringLiteral("actionQuit"));
    m_quitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &MainWindow::close);

    m_aboutAction = new QAction(this);
    m_aboutAction->setObjectName(QStringLiteral("actionAbout"));
    m_aboutAction->setMenuRole(QAction::AboutRole);
    connect(m_aboutAction, &QAction::triggered, this, &MainWindow::showAbout);

    m_aboutQtAction = new QAction(this);
    m_aboutQtAction->setObjectName(QStringLiteral("actionAboutQt"));
    m_aboutQtAction->setMenuRole(QAction::AboutQtRole);
    connect(m_aboutQtAction, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::createMenus()
{
    m_fileMenu = menuBar()->addMenu(QString());
    m_fileMenu->setObjectName(QStringLiteral("menuFile"));
    m_fileMenu->addAction(m_quitAction);

    m_helpMenu = menuBar()->addMenu(QString());
    m_helpMenu->setObjectName(QStringLiteral("menuHelp"));
    m_helpMenu->addAction(m_aboutAction);
    m_helpMenu->addAction(m_aboutQtAction);
}

void MainWindow::retranslateUi()
{
    m_fileMenu->setTitle(tr("&File"));
    m_quitAction->setText(tr("&Quit"));
    m_quitAction->setStatusTip(tr("Close the window and quit Ferry"));

    m_helpMenu->setTitle(tr("&Help"));
    m_aboutAction->setText(tr("&About Ferry"));
    m_aboutAction->setStatusTip(tr("Show the version of Ferry"));
    m_aboutQtAction->setText(tr("About &Qt"));
    m_aboutQtAction->setStatusTip(tr("Show the version of Qt"));

    m_connectionLabel->setText(tr("Not connected to any database"));
}

void MainWindow::showAbout()
{
    QMessageBox box(this);
    box.setObjectName(QStringLiteral("aboutDialog"));
    box.setWindowTitle(tr("About Ferry"));
    box.setIconPixmap(windowIcon().pixmap(64, 64));
    box.setTextFormat(Qt::RichText);
    box.setText(QStringLiteral("<h3>%1</h3>").arg(tr("Ferry %1").arg(ferry::version())));
    box.setInformativeText(
        tr("Trigger-based, queue-based logical replication for PostgreSQL, in the tradition "
           "of PgQ and Londiste 3, with a desktop manager."));
    box.setStandardButtons(QMessageBox::Close);
    box.exec();
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QMainWindow::changeEvent(event);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::restoreSettings()
{
    const QSettings settings;
    if (!restoreGeometry(settings.value(geometryKey()).toByteArray()))
        resize(defaultSize());
    restoreState(settings.value(stateKey()).toByteArray());
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(geometryKey(), saveGeometry());
    settings.setValue(stateKey(), saveState());
}

} // namespace ferry::gui
