#pragma once

#include "cascade/cascadereader.h"
#include "compare/comparereport.h"
#include "compare/repairdialog.h"

#include <QDateTime>
#include <QPointer>
#include <QThreadPool>
#include <QWidget>

#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTreeWidget;

namespace ferry::gui {

class LocalStore;

class CompareDifferences;
class CompareRelay;
class CompareTablePicker;

// The Compare page: a node of the cascade (the config's own by default, or
// another leaf) and its tables (CompareTablePicker), compared with the
// provider's as `ferry compare` does, off the UI thread, table by table with
// the phase each is in; Cancel stops a run at once. The results show both
// sides' rows and checksums, ok or MISMATCH and the missing, extra and
// changed counts; a mismatched table's differing keys show below it with the
// provider's and the node's values side by side (CompareDifferences). Repair
// shows the SQL of a dry run and, once confirmed, repairs the table and
// compares it again. The results export as CSV or HTML.
class CompareView : public QWidget
{
    Q_OBJECT

public:
    enum Column {
        TableColumn,
        ProviderRowsColumn,
        NodeRowsColumn,
        ProviderChecksumColumn,
        NodeChecksumColumn,
        StatusColumn,
        MissingColumn,
        ExtraColumn,
        ChangedColumn,
        ColumnCount
    };

    explicit CompareView(QWidget *parent = nullptr);

    // Where the size of its resizable dialog is kept (the main window's store).
    void setStore(LocalStore *store) { m_store = store; }
    ~CompareView() override;

    void open(const JobConfig &config);
    void close();
    // The nodes that can be compared, from the cascade's latest status.
    void setStatus(const StatusReply &reply);

    // Compares the checked tables (the Compare button).
    void startCompare();
    // Stops the run (the Cancel button).
    void cancelCompare();
    // A dry run of the selected mismatched table's repair, then its preview
    // (the Repair… button); Repair in the preview repairs it.
    void startRepair();
    bool isRunning() const { return m_running; }
    bool isRepairing() const { return m_repairing; }
    // The repair preview while it is open.
    RepairDialog *repairDialog() const { return m_repairDialog; }

    CompareTablePicker *picker() const { return m_picker; }
    CompareDifferences *differences() const { return m_differences; }
    QTreeWidget *results() const { return m_results; }
    QPushButton *compareButton() const { return m_compare; }
    QPushButton *cancelButton() const { return m_cancel; }
    QPushButton *repairButton() const { return m_repair; }
    QPushButton *exportButton() const { return m_export; }
    QString progressText() const;
    QString errorText() const;
    QList<CompareRow> rows() const { return m_rows; }

    // The results (and the differing rows) to `path`; the Export… button asks
    // for the file and the format.
    Result<void> exportCsv(const QString &path) const;
    Result<void> exportHtml(const QString &path) const;

signals:
    void tableCompared(const QString &key);
    void compareFinished();
    // The dry run's preview is open (repairDialog()).
    void repairPreviewShown();
    // A repair ended: done, refused, failed, or canceled in its preview.
    void repairFinished();

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    LocalStore *m_store = nullptr;
    void retranslateUi();
    void onStarted(quint64 run, const QString &key);
    void onPhase(quint64 run, const QString &key, int phase);
    void onDone(quint64 run, const QString &key, const CompareTableOutcome &outcome);
    void onRunEnd(quint64 run, const CompareRunEnd &end);
    void onRepairPreview(quint64 run, const QString &key, const RepairReply &reply);
    void confirmRepair(quint64 run, const QString &key);
    void onRepaired(quint64 run, const QString &key, const RepairReply &reply);
    void endRepair(const QString &summary);
    void showFailure(const QString &objectName,
                     const QString &title,
                     const QString &text,
                     const QString &reason);
    void setRowResult(int index, const TableComparison &result);
    int rowIndex(const QString &key) const;
    int currentRow() const;
    void renderRow(int index);
    void renderResults();
    void renderProgress();
    void renderDifferences();
    void updateButtons();
    void showError(const QString &text);
    void chooseExportFile();
    CompareOptions options() const;
    CompareReport report() const;

    bool m_open = false;
    bool m_running = false;
    bool m_cancelAsked = false;
    bool m_repairing = false;
    // Every run and repair step; answers of an older one are dropped.
    quint64 m_run = 0;
    std::shared_ptr<CompareControl> m_control;
    std::shared_ptr<CompareRelay> m_relay;
    QPointer<RepairDialog> m_repairDialog;

    QList<CompareRow> m_rows;
    CompareTarget m_rowsTarget; // the node m_rows are of
    QString m_rowsNode;
    QString m_rowsProvider;
    QDateTime m_finishedAt;
    QString m_summary;  // the progress line once a run or a repair ended
    QString m_activity; // the progress line while canceling or repairing
    // Compare and repair runs, one at a time, apart from the global pool the
    // status reads use (a long compare must not hold them up).
    QThreadPool m_pool;
    bool m_sized = false;

    CompareTablePicker *m_picker = nullptr;
    QPushButton *m_compare = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_repair = nullptr;
    QPushButton *m_export = nullptr;
    QLabel *m_error = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_progressText = nullptr;
    QTreeWidget *m_results = nullptr;
    CompareDifferences *m_differences = nullptr;
    QSplitter *m_splitter = nullptr;
};

} // namespace ferry::gui
