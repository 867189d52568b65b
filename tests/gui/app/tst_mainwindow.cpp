#include "app/application.h"
#include "app/apptranslator.h"
#include "app/mainwindow.h"
#include "common/dialoggeometry.h"
#include "common/localstore.h"
#include "common/messagebox.h"
#include "compare/repairdialog.h"
#include "errors/editeventdialog.h"
#include "ferryprocess.h"
#include "mnemonics.h"
#include "storetestutil.h"
#include "tray/traycontroller.h"
#include "util/version.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QImage>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolBar>

#include <functional>
#include <memory>

using ferry::gui::AppTranslator;
using ferry::gui::MainWindow;
using ferry::gui::TrayController;

namespace {

// Calls handle() on the next modal dialog as soon as it is shown, from inside the
// dialog's own event loop. If none appears within the timeout, any open modal is
// closed so that a broken test fails instead of hanging in exec().
void handleNextModal(const std::function<void(QWidget *)> &handle)
{
    auto *timer = new QTimer(qApp);
    auto remaining = std::make_shared<int>(250); // 250 x 20 ms
    QObject::connect(timer, &QTimer::timeout, timer, [timer, remaining, handle] {
        if (QWidget *modal = QApplication::activeModalWidget()) {
            timer->deleteLater();
            timer->stop();
            handle(modal);
            return;
        }
        if (--*remaining == 0) {
            timer->stop();
            timer->deleteLater();
        }
    });
    timer->start(20);
}

bool isOpaqueAt(const QIcon &icon, int size)
{
    const QImage image = icon.pixmap(size, size).toImage();
    return !image.isNull() && image.pixelColor(size / 2, size / 2).alpha() == 255;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void windowIsShown();
    void iconIsRendered();
    void menusAndActions();
    void recentConfigsAreListed();
    void reopensTheLastConfig();
    void menuMnemonicsAreUnique();
    void emptyStateIsHonest();
    void statusBar();
    void aboutDialogOpensAndCloses();
    void aboutQtOpensAndCloses();
    void quitClosesTheWindow();
    void geometryIsRestored();
    void openDialogIsNotExecd();
    void dialogGeometryIsKept();
    void defaultSizesFitASmallScreen();
    void chineseTranslation();
    void englishNeedsNoCatalog();
    void versionOption();
    void screenshotOption();

private:
    std::unique_ptr<MainWindow> m_window;
};

void TestMainWindow::initTestCase()
{
    // Keeps QSettings away from the real ~/.config.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("FerryTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
}

void TestMainWindow::init()
{
    QVERIFY(ferry::test::resetDefaultStore());
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestMainWindow::cleanup()
{
    m_window.reset();
    QVERIFY(ferry::test::resetDefaultStore());
}

void TestMainWindow::windowIsShown()
{
    QVERIFY(m_window->isVisible());
    QCOMPARE(m_window->objectName(), QStringLiteral("MainWindow"));
    QCOMPARE(m_window->windowTitle(), QStringLiteral("Ferry"));
    QCOMPARE(m_window->size(), MainWindow::defaultSize());
}

void TestMainWindow::iconIsRendered()
{
    QVERIFY(!m_window->windowIcon().isNull());
    // The SVG really renders (needs Qt's SVG plugin): the icon's centre is painted.
    QVERIFY(isOpaqueAt(m_window->windowIcon(), 32));
    QVERIFY(isOpaqueAt(ferry::gui::applicationIcon(), 256));
}

void TestMainWindow::menusAndActions()
{
    auto *fileMenu = m_window->findChild<QMenu *>(QStringLiteral("menuFile"));
    auto *recentMenu = m_window->findChild<QMenu *>(QStringLiteral("menuRecent"));
    auto *viewMenu = m_window->findChild<QMenu *>(QStringLiteral("menuView"));
    auto *workerMenu = m_window->findChild<QMenu *>(QStringLiteral("menuWorker"));
    auto *helpMenu = m_window->findChild<QMenu *>(QStringLiteral("menuHelp"));
    QVERIFY(fileMenu);
    QVERIFY(recentMenu);
    QVERIFY(viewMenu);
    QVERIFY(workerMenu);
    QVERIFY(helpMenu);
    auto *replicationMenu = m_window->findChild<QMenu *>(QStringLiteral("menuReplication"));
    QVERIFY(replicationMenu);
    QCOMPARE(replicationMenu->title(), QStringLiteral("Repl&ication"));
    QCOMPARE(fileMenu->title(), QStringLiteral("&File"));
    QCOMPARE(recentMenu->title(), QStringLiteral("Open &Recent"));
    QCOMPARE(viewMenu->title(), QStringLiteral("&View"));
    QCOMPARE(workerMenu->title(), QStringLiteral("&Worker"));
    QCOMPARE(helpMenu->title(), QStringLiteral("&Help"));
    const QList<QAction *> bar = m_window->menuBar()->actions();
    QCOMPARE(bar.size(), 5);
    QCOMPARE(bar.at(0), fileMenu->menuAction());
    QCOMPARE(bar.at(1), viewMenu->menuAction());
    QCOMPARE(bar.at(2), replicationMenu->menuAction());
    QCOMPARE(bar.at(3), workerMenu->menuAction());
    QCOMPARE(bar.at(4), helpMenu->menuAction());

    auto *open = m_window->findChild<QAction *>(QStringLiteral("actionOpenConfig"));
    auto *close = m_window->findChild<QAction *>(QStringLiteral("actionCloseConfig"));
    auto *quit = m_window->findChild<QAction *>(QStringLiteral("actionQuit"));
    auto *refresh = m_window->findChild<QAction *>(QStringLiteral("actionRefresh"));
    QVERIFY(open);
    QVERIFY(close);
    QVERIFY(quit);
    QVERIFY(refresh);
    QCOMPARE(open->text(), QStringLiteral("&Open Config…"));
    QCOMPARE(open->shortcut(), QKeySequence(QKeySequence::Open));
    QCOMPARE(close->text(), QStringLiteral("&Close Config"));
    QCOMPARE(quit->text(), QStringLiteral("&Quit"));
    QCOMPARE(quit->shortcut(), QKeySequence(QStringLiteral("Ctrl+Q")));
    QCOMPARE(refresh->text(), QStringLiteral("&Refresh Now"));
    QCOMPARE(refresh->shortcut(), QKeySequence(QKeySequence::Refresh));
    auto *profiles = m_window->findChild<QAction *>(QStringLiteral("actionProfiles"));
    QVERIFY(profiles);
    QCOMPARE(profiles->text(), QStringLiteral("Connection &Profiles…"));
    QList<QAction *> fileActions = fileMenu->actions();
    QCOMPARE(fileActions.size(), 6);
    QCOMPARE(fileActions.at(0), open);
    QCOMPARE(fileActions.at(1), profiles);
    QCOMPARE(fileActions.at(2), recentMenu->menuAction());
    QCOMPARE(fileActions.at(3), close);
    QVERIFY(fileActions.at(4)->isSeparator());
    QCOMPARE(fileActions.at(5), quit);
    QCOMPARE(viewMenu->actions(), QList<QAction *>{refresh});

    auto *about = m_window->findChild<QAction *>(QStringLiteral("actionAbout"));
    auto *aboutQt = m_window->findChild<QAction *>(QStringLiteral("actionAboutQt"));
    QVERIFY(about);
    QVERIFY(aboutQt);
    QCOMPARE(about->text(), QStringLiteral("&About Ferry"));
    QCOMPARE(aboutQt->text(), QStringLiteral("About &Qt"));
    QCOMPARE(helpMenu->actions(), (QList<QAction *>{about, aboutQt}));
    for (QAction *action : {open, profiles, quit, about, aboutQt})
        QVERIFY2(action->isEnabled(), qPrintable(action->objectName()));
    // Nothing to close, refresh or reopen before a config was opened.
    QVERIFY(!close->isEnabled());
    QVERIFY(!refresh->isEnabled());
    QVERIFY(!recentMenu->isEnabled());
}

void TestMainWindow::recentConfigsAreListed()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QStringList paths;
    for (int i = 0; i < MainWindow::kMaxRecentConfigs + 2; ++i)
        paths.prepend(dir.filePath(QStringLiteral("job%1.ini").arg(i)));
    // As Ferry 0.1 kept them: moved into the local store at the next start.
    QSettings().setValue(QStringLiteral("recentConfigs"), paths);
    MainWindow window;
    QVERIFY(!QSettings().contains(QStringLiteral("recentConfigs")));
    QCOMPARE(window.store()->setting(QStringLiteral("recentConfigs")).toStringList(), paths);
    auto *recentMenu = window.findChild<QMenu *>(QStringLiteral("menuRecent"));
    QVERIFY(recentMenu->isEnabled());
    QList<QAction *> entries;
    for (QAction *action : recentMenu->actions()) {
        if (action->objectName() == QLatin1String("recentConfig"))
            entries.append(action);
    }
    QCOMPARE(entries.size(), paths.size());
    QCOMPARE(entries.first()->data().toString(), paths.first());
    QVERIFY(entries.first()->text().startsWith(QStringLiteral("&1 ")));

    // A config that is gone: a message, and it leaves the list.
    entries.first()->trigger();
    auto *box = window.findChild<QMessageBox *>(QStringLiteral("openConfigError"));
    QVERIFY(box);
    QVERIFY(box->informativeText().contains(
        QStringLiteral("job%1.ini").arg(MainWindow::kMaxRecentConfigs + 1)));
    // Wide enough for its whole title in a window manager's title bar, where
    // a box sized to its text showed "Cannot O… — Ferry".
    QTRY_VERIFY(box->isVisible());
    const int needed = ferry::gui::titleWidth(box->windowTitle());
    QVERIFY2(box->width() >= needed,
             qPrintable(QStringLiteral("%1 < %2").arg(box->width()).arg(needed)));
    box->close();
    QCOMPARE(window.recentConfigs(), paths.mid(1));

    window.findChild<QAction *>(QStringLiteral("actionClearRecent"))->trigger();
    QVERIFY(window.recentConfigs().isEmpty());
    QVERIFY(!recentMenu->isEnabled());
}

void TestMainWindow::reopensTheLastConfig()
{
    QVERIFY(!m_window->reopenLastConfig()); // nothing opened yet
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString ini = dir.filePath(QStringLiteral("job.ini"));
    const QString gone = dir.filePath(QStringLiteral("gone.ini"));
    QVERIFY(ferry::test::writeText(ini, QStringLiteral("[ferry]\njob_name = job\nqueue_name = q\n"
                                                       "db = host=127.0.0.1 port=1 dbname=x\n")));
    QVERIFY(ferry::test::resetDefaultStore(
        {{QStringLiteral("recentConfigs"), QStringList{gone, ini}}}));

    // The last one is gone: it leaves the list, a line says so, no message box.
    MainWindow window;
    window.show();
    QVERIFY(!window.reopenLastConfig());
    QVERIFY(window.configPath().isEmpty());
    QCOMPARE(window.recentConfigs(), QStringList{ini});
    QCOMPARE(window.statusBar()->currentMessage(),
             QStringLiteral("The last config, %1, is gone; it left the recent list.").arg(gone));
    QVERIFY(window.findChildren<QMessageBox *>().isEmpty());
    QVERIFY(!QApplication::activeModalWidget());

    // The next start opens the one left.
    QVERIFY(window.reopenLastConfig());
    QCOMPARE(window.configPath(), ini);
    QCOMPARE(window.windowTitle(), QStringLiteral("job.ini — Ferry"));
}

void TestMainWindow::menuMnemonicsAreUnique()
{
    // The menu bar's titles and each menu's entries (the tray's too): no two
    // answer the same Alt+letter.
    const auto clashes = [this](const TrayController &tray) {
        QStringList all = ferry::test::mnemonicClashes(m_window.get());
        for (const QAction *action : m_window->menuBar()->actions()) {
            if (action->menu())
                all << ferry::test::menuMnemonicClashes(action->menu());
        }
        return all + ferry::test::menuMnemonicClashes(tray.menu());
    };
    const TrayController tray(m_window->store());
    QVERIFY2(clashes(tray).isEmpty(), qPrintable(clashes(tray).join(QLatin1Char('\n'))));
    // An entry with the Alt+R of Refresh Now is caught.
    auto *view = m_window->findChild<QMenu *>(QStringLiteral("menuView"));
    QAction *twin = view->addAction(QStringLiteral("&Reload"));
    QCOMPARE(clashes(tray), QStringList{QStringLiteral("Alt+R: &Refresh Now | &Reload")});
    view->removeAction(twin);
}

void TestMainWindow::emptyStateIsHonest()
{
    auto *stack = m_window->findChild<QStackedWidget *>(QStringLiteral("centralStack"));
    auto *empty = m_window->findChild<QWidget *>(QStringLiteral("emptyState"));
    QVERIFY(stack);
    QVERIFY(empty);
    QCOMPARE(m_window->centralWidget(), stack);
    QCOMPARE(stack->currentWidget(), empty);
    QVERIFY(empty->isVisible());

    auto *summary = empty->findChild<QLabel *>(QStringLiteral("emptyStateSummary"));
    auto *roadmap = empty->findChild<QLabel *>(QStringLiteral("emptyStateRoadmap"));
    QVERIFY(summary);
    QVERIFY(roadmap);
    QVERIFY(summary->isVisible());
    QVERIFY(roadmap->isVisible());
    QVERIFY(summary->text().contains(QStringLiteral("PostgreSQL")));
    QVERIFY(summary->text().contains(QStringLiteral("queue")));
    QVERIFY(roadmap->text().contains(QStringLiteral("CONFIG.ini")));
    for (const QString &feature : {QStringLiteral("connection profile"),
                                   QStringLiteral("lag chart"), QStringLiteral("errors")}) {
        QVERIFY2(roadmap->text().contains(feature), qPrintable(feature));
    }
    // One control, for the one thing that works: opening a config.
    const QList<QAbstractButton *> buttons = empty->findChildren<QAbstractButton *>();
    QCOMPARE(buttons.size(), 1);
    QCOMPARE(buttons.first()->objectName(), QStringLiteral("emptyStateOpen"));
    QCOMPARE(buttons.first()->text(), QStringLiteral("Open Config…"));
    QVERIFY(buttons.first()->isVisible());
}

void TestMainWindow::statusBar()
{
    auto *bar = m_window->findChild<QStatusBar *>(QStringLiteral("statusBar"));
    QVERIFY(bar);
    QVERIFY(bar->isVisible());
    auto *connection = bar->findChild<QLabel *>(QStringLiteral("connectionStatus"));
    QVERIFY(connection);
    QCOMPARE(connection->text(), QStringLiteral("Not connected to any database"));
}

void TestMainWindow::aboutDialogOpensAndCloses()
{
    m_window->findChild<QAction *>(QStringLiteral("actionAbout"))->trigger();

    // open(), not exec(): trigger() returned with the box shown, the event loop free.
    auto *box = m_window->findChild<QMessageBox *>(QStringLiteral("aboutDialog"));
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    QCOMPARE(box->windowModality(), Qt::WindowModal);
    QCOMPARE(box->windowTitle(), QStringLiteral("About Ferry"));
    QVERIFY2(box->text().contains(ferry::version()), qPrintable(box->text()));
    QVERIFY(box->informativeText().contains(QStringLiteral("PostgreSQL")));
    box->button(QMessageBox::Close)->click();
    QTRY_VERIFY(m_window->findChildren<QMessageBox *>().isEmpty());
    QVERIFY(!QApplication::activeModalWidget());
}

void TestMainWindow::aboutQtOpensAndCloses()
{
    QString title;
    handleNextModal([&](QWidget *modal) {
        title = modal->windowTitle();
        modal->close();
    });
    m_window->findChild<QAction *>(QStringLiteral("actionAboutQt"))->trigger();
    QCOMPARE(title, QStringLiteral("About Qt"));
    QVERIFY(!QApplication::activeModalWidget());
}

void TestMainWindow::quitClosesTheWindow()
{
    m_window->findChild<QAction *>(QStringLiteral("actionQuit"))->trigger();
    QTRY_VERIFY(!m_window->isVisible());
}

void TestMainWindow::geometryIsRestored()
{
    m_window->resize(900, 600);
    QTRY_COMPARE(m_window->size(), QSize(900, 600));
    QVERIFY(m_window->close()); // saves the geometry

    MainWindow second;
    second.show();
    QVERIFY(QTest::qWaitForWindowExposed(&second));
    QCOMPARE(second.size(), QSize(900, 600));
}

void TestMainWindow::openDialogIsNotExecd()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("broken.ini"));
    QVERIFY(ferry::test::writeText(path, QStringLiteral("[ferry]\n")));
    m_window->findChild<QAction *>(QStringLiteral("actionOpenConfig"))->trigger();
    // trigger() returned: the dialog is open with the event loop free.
    auto *dialog = m_window->findChild<QFileDialog *>(QStringLiteral("openConfigDialog"));
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QCOMPARE(dialog->windowModality(), Qt::WindowModal);
    dialog->selectFile(path);
    QMetaObject::invokeMethod(dialog, "accept"); // protected in QFileDialog
    // The file chosen is opened: this one fails, in its window-modal box.
    QTRY_VERIFY(m_window->findChild<QMessageBox *>(QStringLiteral("openConfigError")));
    QCOMPARE(m_window->store()->setting(QStringLiteral("lastConfigFolder")).toString(),
             QFileInfo(path).absolutePath());
    m_window->findChild<QMessageBox *>(QStringLiteral("openConfigError"))->close();
    QTRY_VERIFY(!m_window->findChild<QFileDialog *>(QStringLiteral("openConfigDialog")));
}

void TestMainWindow::dialogGeometryIsKept()
{
    auto openProfiles = [this]() -> QDialog * {
        m_window->showProfiles();
        auto *dialog = m_window->findChild<QDialog *>(QStringLiteral("profilesDialog"));
        if (dialog && !QTest::qWaitForWindowExposed(dialog))
            return nullptr;
        return dialog;
    };
    QDialog *dialog = openProfiles();
    QVERIFY(dialog);
    const QSize first = dialog->size();
    const QSize chosen = first + QSize(40, 90);
    dialog->resize(chosen);
    QTRY_COMPARE(dialog->size(), chosen);
    dialog->reject(); // Close, Escape and the title bar's button end here too
    QTRY_VERIFY(!m_window->findChild<QDialog *>(QStringLiteral("profilesDialog")));
    QVERIFY(!m_window->store()
                 ->setting(ferry::gui::dialogGeometryKey(QStringLiteral("profiles")))
                 .toByteArray()
                 .isEmpty());

    dialog = openProfiles();
    QVERIFY(dialog);
    QCOMPARE(dialog->size(), chosen);
    dialog->reject();
    QTRY_VERIFY(!m_window->findChild<QDialog *>(QStringLiteral("profilesDialog")));

    // The same for any resizable dialog given a store.
    QDialog plain;
    plain.resize(300, 200);
    ferry::gui::keepDialogGeometry(&plain, m_window->store(), QStringLiteral("plain"));
    plain.resize(333, 222);
    plain.reject();
    QDialog again;
    again.resize(300, 200);
    ferry::gui::keepDialogGeometry(&again, m_window->store(), QStringLiteral("plain"));
    QCOMPARE(again.size(), QSize(333, 222));
}

void TestMainWindow::defaultSizesFitASmallScreen()
{
    // 1366x768 less a panel and the title bar a window manager adds.
    const QSize room(1366, 768 - 40 - 32);
    auto fits = [room](const QSize &size) {
        return size.width() <= room.width() && size.height() <= room.height();
    };
    QVERIFY(fits(MainWindow::defaultSize()));
    m_window->showProfiles();
    auto *profiles = m_window->findChild<QDialog *>(QStringLiteral("profilesDialog"));
    QVERIFY(profiles);
    QVERIFY2(fits(profiles->size()), qPrintable(QString::number(profiles->height())));
    profiles->reject();
    ferry::gui::RepairDialog repair(QStringLiteral("digoal_02.user_info1"), QStringLiteral("dst2"),
                                    ferry::RepairOutcome(), m_window.get());
    QVERIFY(fits(repair.size()));
    ferry::gui::EditEventDialog edit(QStringLiteral("dst2"), ferry::QueuedEventContent(),
                                     m_window.get());
    QVERIFY(fits(edit.size()));
    // The main window's toolbar and menus fit its default width.
    QVERIFY(m_window->toolBar()->sizeHint().width() <= MainWindow::defaultSize().width());
    QVERIFY(m_window->menuBar()->sizeHint().width() <= MainWindow::defaultSize().width());
}

void TestMainWindow::chineseTranslation()
{
    auto *fileMenu = m_window->findChild<QMenu *>(QStringLiteral("menuFile"));
    auto *about = m_window->findChild<QAction *>(QStringLiteral("actionAbout"));
    auto *title = m_window->findChild<QLabel *>(QStringLiteral("emptyStateTitle"));
    QVERIFY(fileMenu);
    QVERIFY(about);
    QVERIFY(title);
    {
        const AppTranslator zh(QLocale(QStringLiteral("zh_CN")));
        QVERIFY(zh.isLoaded());
        // The open window retranslates itself on QEvent::LanguageChange.
        QTRY_COMPARE(fileMenu->title(), QStringLiteral("文件(&F)"));
        QCOMPARE(about->text(), QStringLiteral("关于 Ferry(&A)"));
        QCOMPARE(title->text(), QStringLiteral("欢迎使用 Ferry"));
        QCOMPARE(m_window->windowTitle(), QStringLiteral("Ferry"));

        // A window created while Chinese is active starts in Chinese.
        MainWindow second;
        QCOMPARE(second.findChild<QMenu *>(QStringLiteral("menuFile"))->title(),
                 QStringLiteral("文件(&F)"));
    }
    // Removing the translator switches back to English.
    QTRY_COMPARE(fileMenu->title(), QStringLiteral("&File"));
    QCOMPARE(title->text(), QStringLiteral("Welcome to Ferry"));
}

void TestMainWindow::englishNeedsNoCatalog()
{
    const AppTranslator en(QLocale(QStringLiteral("en_US")));
    QVERIFY(!en.isLoaded());
    QCOMPARE(AppTranslator::uiLocale(QStringLiteral("zh_CN")).name(), QStringLiteral("zh_CN"));
    QCOMPARE(AppTranslator::uiLocale().name(), QLocale::system().name());
}

void TestMainWindow::versionOption()
{
    // --version must work without any display, so the test hides them all.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &name : {QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("DISPLAY"),
                                QStringLiteral("WAYLAND_DISPLAY")}) {
        env.remove(name);
    }
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(FERRY_GUI_BINARY), {QStringLiteral("--version")});
    QVERIFY2(process.waitForFinished(30000), qPrintable(process.errorString()));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
    QCOMPARE(QString::fromUtf8(process.readAllStandardOutput()),
             QStringLiteral("ferry-gui %1\n").arg(ferry::version()));
}

void TestMainWindow::screenshotOption()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("main-window.png"));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("HOME"), dir.path()); // no saved geometry from elsewhere
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(
        QStringLiteral(FERRY_GUI_BINARY),
        {QStringLiteral("--lang"), QStringLiteral("zh_CN"), QStringLiteral("--screenshot"), file});
    QVERIFY2(process.waitForFinished(30000), qPrintable(process.errorString()));
    QCOMPARE(process.exitCode(), 0);
    const QImage image(file);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size() / image.devicePixelRatio(), MainWindow::defaultSize());
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
