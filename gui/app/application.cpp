#include "app/application.h"

#include "app/apptranslator.h"
#include "app/mainwindow.h"
#include "app/signalwatcher.h"
#include "tray/traycontroller.h"
#include "util/version.h"
#include "workers/workerregistry.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QPixmap>
#include <QTextStream>
#include <QTimer>

#include <memory>

namespace ferry::gui {

namespace {

// Time the window gets to lay out and paint before --screenshot grabs it.
constexpr int ScreenshotDelayMs = 500;
// With a CONFIG.ini, --screenshot waits for the cascade's first status, at most this long.
constexpr int ScreenshotLoadTimeoutMs = 30000;

// --version and --help must work without a display (over ssh, in packaging scripts),
// so they get a QCoreApplication; everything else needs the full QApplication.
bool needsOnlyText(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--version" || arg == "-v" || arg == "--help" || arg == "-h"
            || arg == "--help-all") {
            return true;
        }
    }
    return false;
}

// The --lang value, read before the parser exists so that the parser's own texts
// (--help) are already translated.
QString languageArgument(const QStringList &arguments)
{
    const QString option = QStringLiteral("--lang");
    const QString prefix = option + QLatin1Char('=');
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        if (arguments.at(i) == option && i + 1 < arguments.size())
            return arguments.at(i + 1);
        if (arguments.at(i).startsWith(prefix))
            return arguments.at(i).mid(prefix.size());
    }
    return QString();
}

void describeApplication()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Ferry"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("ferry.io"));
    QCoreApplication::setApplicationName(QStringLiteral("ferry-gui"));
    QCoreApplication::setApplicationVersion(ferry::version());
}

} // namespace

QIcon applicationIcon()
{
    return QIcon(QStringLiteral(":/icons/io.ferry.Ferry.svg"));
}

int runApplication(int &argc, char **argv)
{
    describeApplication();
    std::unique_ptr<QCoreApplication> app;
    if (needsOnlyText(argc, argv))
        app = std::make_unique<QCoreApplication>(argc, argv);
    else
        app = std::make_unique<QApplication>(argc, argv);

    const QLocale locale = AppTranslator::uiLocale(languageArgument(app->arguments()));
    QLocale::setDefault(locale);
    const AppTranslator translator(locale);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("CommandLine", "Ferry desktop manager: queue-based "
                                                   "logical replication for PostgreSQL."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption langOption(
        QStringLiteral("lang"),
        QCoreApplication::translate("CommandLine",
                                    "Show the user interface in <locale>, e.g. zh_CN or en."),
        QCoreApplication::translate("CommandLine", "locale"));
    parser.addOption(langOption);
    // Used to make the screenshots in docs/: grabs the main window once shown and exits.
    QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QCoreApplication::translate("CommandLine", "Save a picture of the main window "
                                                   "to <file> and quit."),
        QCoreApplication::translate("CommandLine", "file"));
    screenshotOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(screenshotOption);
    const QCommandLineOption trayOption(
        QStringLiteral("tray"),
        QCoreApplication::translate("CommandLine",
                                    "Run in the system tray without a window, keeping the "
                                    "background workers running."));
    parser.addOption(trayOption);
    parser.addPositionalArgument(
        QStringLiteral("config"),
        QCoreApplication::translate("CommandLine", "A Ferry job's CONFIG.ini to open."),
        QStringLiteral("[CONFIG.ini]"));
    parser.process(*app); // exits for --help, --version and unknown options

    auto *guiApp = qobject_cast<QApplication *>(app.get());
    if (!guiApp)
        return 0; // not reached: text-only runs exit in process()
    QApplication::setApplicationDisplayName(QStringLiteral("Ferry"));
    QGuiApplication::setDesktopFileName(QStringLiteral("io.ferry.Ferry"));
    QApplication::setWindowIcon(applicationIcon());

    // The workers run here outlive the window: stopped and waited for after it.
    WorkerRegistry workers;
    MainWindow window;
    TrayController tray(window.store(), &workers);
    const auto raiseWindow = [&window] {
        window.showNormal();
        window.raise();
        window.activateWindow();
    };
    QObject::connect(&tray, &TrayController::openRequested, &window, raiseWindow);
    QObject::connect(&tray, &TrayController::openConfigRequested, &window,
                     [&window, raiseWindow](const QString &path) {
                         window.openConfig(path);
                         raiseWindow();
                     });
    // `ferry -s|-r CONFIG worker` signal this process while one of its workers
    // holds CONFIG's pidfile: stop the workers cleanly and quit, or reload them.
    const SignalWatcher unixSignals;
    QObject::connect(&unixSignals, &SignalWatcher::terminateRequested, &tray,
                     &TrayController::quit);
    QObject::connect(&unixSignals, &SignalWatcher::reloadRequested, &workers,
                     &WorkerRegistry::reloadAll);
    const bool screenshot = parser.isSet(screenshotOption);
    if (screenshot)
        window.resize(MainWindow::defaultSize()); // the same picture whatever was saved
    bool showWindow = true;
    if (parser.isSet(trayOption) && !screenshot) {
        showWindow = !tray.activate();
        if (showWindow) {
            QTextStream(stderr) << QCoreApplication::translate(
                "CommandLine", "No system tray found: the background workers run while the "
                               "window is open.")
                                << '\n';
        }
    }
    if (showWindow)
        window.show();
    const QStringList configs = parser.positionalArguments();
    const bool opened = !configs.isEmpty() && window.openConfig(configs.constFirst());

    if (screenshot) {
        const QString file = parser.value(screenshotOption);
        auto grab = [&window, file] {
            if (window.grab().save(file)) {
                QCoreApplication::exit(0);
                return;
            }
            QTextStream(stderr) << QCoreApplication::translate("CommandLine",
                                                               "Cannot write the picture to %1.")
                                       .arg(file)
                                << '\n';
            QCoreApplication::exit(1);
        };
        if (opened) {
            // The picture shows the cascade once its first status is in.
            QObject::connect(&window, &MainWindow::cascadeLoaded, &window, [&window, grab] {
                QTimer::singleShot(ScreenshotDelayMs, &window, grab);
            });
            QTimer::singleShot(ScreenshotLoadTimeoutMs, &window, grab);
        } else {
            QTimer::singleShot(ScreenshotDelayMs, &window, grab);
        }
    }
    return QApplication::exec();
}

} // namespace ferry::gui
