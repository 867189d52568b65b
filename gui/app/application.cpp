#include "app/application.h"

#include "app/apptranslator.h"
#include "app/mainwindow.h"
#include "app/signalwatcher.h"
#include "app/singleinstance.h"
#include "app/traywindow.h"
#include "common/localstore.h"
#include "tray/traycontroller.h"
#include "util/version.h"
#include "workers/workerregistry.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
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

// A later start: the running ferry-gui does what was asked; one line says so.
int handOver(const SingleInstance &instance, const InstanceRequest &request)
{
    QTextStream err(stderr);
    const auto reply = instance.handOver(request);
    if (!reply) {
        err << QStringLiteral("ferry-gui: ") << reply.error().message() << '\n';
        return 1;
    }
    QString what;
    switch (request.action) {
    case InstanceRequest::Action::Open:
        what = reply->opened
                   ? QCoreApplication::translate(
                       "CommandLine", "Ferry is already running (pid %1); its window now shows %2.")
                   : QCoreApplication::translate(
                       "CommandLine",
                       "Ferry is already running (pid %1); its window says why it cannot open %2.");
        what = what.arg(reply->pid).arg(request.configPath);
        break;
    case InstanceRequest::Action::Show:
        what = reply->configPath.isEmpty()
                   ? QCoreApplication::translate(
                         "CommandLine", "Ferry is already running (pid %1); its window is shown.")
                         .arg(reply->pid)
                   : QCoreApplication::translate(
                         "CommandLine",
                         "Ferry is already running (pid %1); its window is shown with %2.")
                         .arg(reply->pid)
                         .arg(reply->configPath);
        break;
    case InstanceRequest::Action::Tray:
        what = QCoreApplication::translate(
                   "CommandLine",
                   "Ferry is already running (pid %1); it keeps the background workers running.")
                   .arg(reply->pid);
        break;
    }
    err << QStringLiteral("ferry-gui: ") << what << '\n';
    return 0;
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

    const bool screenshot = parser.isSet(screenshotOption);
    const bool trayOnly = parser.isSet(trayOption) && !screenshot;
    const QStringList configs = parser.positionalArguments();
    // One ferry-gui per user and local store: a later start hands its request
    // to the first and exits. --screenshot stays out of it (it runs beside a
    // user's ferry-gui to make the pictures in docs/).
    std::unique_ptr<SingleInstance> instance;
    if (!screenshot) {
        instance = std::make_unique<SingleInstance>(LocalStore::defaultPath());
        if (instance->start() == SingleInstance::Start::Running) {
            InstanceRequest request;
            if (!configs.isEmpty()) {
                request.action = InstanceRequest::Action::Open;
                request.configPath = QFileInfo(configs.constFirst()).absoluteFilePath();
            } else if (trayOnly) {
                request.action = InstanceRequest::Action::Tray;
            }
            return handOver(*instance, request);
        }
    }

    // The workers run here outlive the window: stopped and waited for after it.
    WorkerRegistry workers;
    MainWindow window;
    TrayController tray(window.store(), &workers);
    connectTrayToWindow(tray, window);
    if (instance) {
        instance->setHandler([&window, &tray](const InstanceRequest &request) {
            InstanceReply reply;
            reply.pid = QCoreApplication::applicationPid();
            switch (request.action) {
            case InstanceRequest::Action::Open:
                reply.opened = window.openConfig(request.configPath);
                bringToFront(window);
                break;
            case InstanceRequest::Action::Show:
                showWatchedConfig(window, tray);
                break;
            case InstanceRequest::Action::Tray:
                // Its background workers run; the window stays as it is.
                tray.activate();
                break;
            }
            reply.configPath = window.configPath();
            return reply;
        });
    }
    // `ferry -s|-r CONFIG worker` signal this process while one of its workers
    // holds CONFIG's pidfile: stop the workers cleanly and quit, or reload them.
    const SignalWatcher unixSignals;
    QObject::connect(&unixSignals, &SignalWatcher::terminateRequested, &tray,
                     &TrayController::quit);
    QObject::connect(&unixSignals, &SignalWatcher::reloadRequested, &workers,
                     &WorkerRegistry::reloadAll);
    if (screenshot)
        window.resize(MainWindow::defaultSize()); // the same picture whatever was saved
    bool showWindow = true;
    if (trayOnly) {
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
    // Without a config, a shown window opens the last one (not in the tray,
    // and not for --screenshot, whose picture is the empty window).
    const bool opened = !configs.isEmpty() ? window.openConfig(configs.constFirst())
                                           : showWindow && !screenshot && window.reopenLastConfig();

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
