#pragma once

#include "workers/serviceinstall.h"

#include <QDialog>
#include <QPointer>

class QCheckBox;
class QLabel;
class QLineEdit;
class QMessageBox;
class QPlainTextEdit;
class QPushButton;

namespace ferry::gui {

// Worker > Install as a Service…: asks before anything is written, naming
// the service's config file (CONFIG_FOLDER/NAME.ini, no password, the
// service's own log and pidfile), the line to add to ~ferry/.pgpass (or to
// the passfile db names) without the password, the connection the service
// makes (the config's db completed with this session's libpq environment; a
// setting it cannot carry over is refused or warned about in one line each)
// and the commands that install and start ferry-worker@NAME ("Start it now"
// unchecked: enable only). Its button then writes the file: in place when
// Ferry runs as root (and runs systemctl), else to a private temporary
// folder for the commands shown, and runs through pkexec, where it exists, a
// script that holds the config itself and writes and enables it as root (each
// failed step its own exit code and message), or leaves the commands to copy
// into a terminal. After `systemctl enable --now` it asks
// `systemctl is-active` (settleMs later) and says whether the worker runs. An
// existing NAME.ini is replaced only
// after a second question ("confirmReplaceServiceConfig"). A failure shows in
// one line under the commands.
class ServiceInstallDialog : public QDialog
{
    Q_OBJECT

public:
    ServiceInstallDialog(const JobConfig &config,
                         const ServiceInstallOptions &options,
                         bool workerRuns,
                         QWidget *parent = nullptr);
    ~ServiceInstallDialog() override;

    const ServicePlan &plan() const { return m_plan; }
    // Where the config is written for the commands shown (not privileged).
    QString stagedFile() const { return m_staged; }
    QStringList commands() const { return m_commands; }

    // What the Install button does.
    void install();

private:
    enum class Target { Absent, Exists, Unknown };
    Target targetState() const;
    void proceed(bool replace);
    void askReplace();
    void writeInPlace(bool replace);
    void runThroughPkexec(bool replace);
    void ran(int exitCode, const QString &error, bool throughPkexec);
    void checkRunning();
    void checked(int exitCode, const QString &error);
    void updateCommands();
    void showResult(const QString &text, bool failed);

    ServiceInstallOptions m_options;
    ServicePlan m_plan;
    QString m_stagingDir;
    QString m_staged;
    QStringList m_commands;
    bool m_written = false;
    bool m_running = false;
    QPlainTextEdit *m_commandsView = nullptr;
    QCheckBox *m_startNow = nullptr;
    QLabel *m_result = nullptr;
    QPushButton *m_install = nullptr;
    QPushButton *m_close = nullptr;
    QPointer<QMessageBox> m_replaceBox;
};

} // namespace ferry::gui
