#pragma once

#include "config/jobconfig.h"
#include "replication/scriptexecute.h"

#include <QMessageBox>
#include <QPointer>
#include <QThreadPool>
#include <QWidget>

#include <optional>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTimer;
class QTreeWidget;

namespace ferry::gui {

struct ExecutePlanReply;
struct ExecuteProgressReply;
struct ExecuteRunReply;

// The Execute page (ferry ROOT.ini execute FILE): a SQL script opened from a
// file or written here, saved back; Preview shows per node the statements
// as they will run there (rewritten to the node's names, skipped lines with
// the reason, what cannot be mapped in red); Run on the Root asks first,
// runs it on the root in one transaction that also queues it, then shows per
// node whether it is still waiting, applied, skipped, replaced or failed,
// read again every second until every node is done with it.
class ExecuteView : public QWidget
{
    Q_OBJECT

public:
    enum Column { NodeColumn, StateColumn, DetailColumn, ColumnCount };

    explicit ExecuteView(QWidget *parent = nullptr);
    ~ExecuteView() override;

    void open(const JobConfig &config);
    void close();

    // Loads the script at `path` (the Open… button asks for it).
    bool loadFile(const QString &path);
    // Writes the editor's text to `path` (Save, Save As…).
    bool saveTo(const QString &path);
    // The per-node preview (the Preview button).
    void startPreview();
    // Asks, then runs the script on the root (the Run on the Root… button).
    void startRun();
    // The question Run on the Root… or the root's refusal of a file it ran
    // before asks, while it is open.
    QMessageBox *confirmDialog() const { return m_confirm; }

    void setProgressIntervalMs(int ms);

    QLineEdit *fileNameEdit() const { return m_fileName; }
    QPlainTextEdit *scriptEdit() const { return m_edit; }
    QPushButton *previewButton() const { return m_preview; }
    QPushButton *runButton() const { return m_run; }
    QTreeWidget *results() const { return m_results; }
    QString errorText() const;
    QString statusText() const;
    QString filePath() const { return m_path; }
    // The event of the last run; 0 before one.
    qint64 eventId() const { return m_eventId; }
    QList<NodeScriptProgress> progress() const { return m_progress; }

signals:
    void previewFinished();
    // The root ran the script (or refused it: errorText()).
    void runFinished();
    void progressRead();
    // Every node applied, skipped or replaced the script, or failed on it.
    void progressFinished();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void chooseFile();
    void chooseSaveFile();
    void save();
    void confirmRun(bool force, const QString &earlier);
    void run(bool force);
    void onPlan(quint64 token, const ExecutePlanReply &reply);
    void onRun(quint64 token, const ExecuteRunReply &reply);
    void readProgress();
    void onProgress(quint64 token, const ExecuteProgressReply &reply);
    void renderProgress();
    void showError(const QString &text);
    void showHint();
    void updateButtons();
    ScriptFile scriptFile() const;
    QString stateText(ScriptNodeState state) const;

    std::optional<JobConfig> m_config;
    QString m_path;
    QString m_folder;
    // Every preview, run and open; answers of an older one are dropped.
    quint64 m_token = 0;
    bool m_previewing = false;
    bool m_running = false;
    bool m_reading = false;
    qint64 m_eventId = 0;
    QString m_runName;
    QString m_runRoot;
    QList<NodeScriptProgress> m_progress;
    QPointer<QMessageBox> m_confirm;
    QThreadPool m_pool;

    QLabel *m_fileNameLabel = nullptr;
    QLineEdit *m_fileName = nullptr;
    QPushButton *m_open = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_saveAs = nullptr;
    QLabel *m_editLabel = nullptr;
    QPlainTextEdit *m_edit = nullptr;
    QPushButton *m_preview = nullptr;
    QPushButton *m_run = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_status = nullptr;
    QTreeWidget *m_results = nullptr;
    QTimer *m_timer = nullptr;
};

} // namespace ferry::gui
