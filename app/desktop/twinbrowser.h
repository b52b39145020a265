#pragma once

#include <QJsonArray>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QStandardItemModel;
class QTableView;
class QTimer;

namespace Laces::App {

class Session;

// The organization's twins: search, sort (server-side, by clicking a column), paging,
// create and delete as the role allows (controls the role cannot use are disabled).
class TwinBrowser : public QWidget
{
    Q_OBJECT

public:
    explicit TwinBrowser(Session *session, QWidget *parent = nullptr);

    void reload();
    int rowCount() const;
    QString nameAt(int row) const;
    void updatePermissions();
    void selectRow(int row);

signals:
    void loaded();
    void openRequested(const QJsonObject &twin);
    void errorOccurred(const QString &message);

private:
    void createTwin();
    void deleteSelected();
    void showPage(const QJsonObject &page);

    Session *m_session;
    QLineEdit *m_search;
    QTableView *m_table;
    QStandardItemModel *m_model;
    QPushButton *m_create;
    QPushButton *m_delete;
    QPushButton *m_open;
    QPushButton *m_previous;
    QPushButton *m_next;
    QLabel *m_pageLabel;
    QTimer *m_searchDelay;
    int m_page = 1;
    int m_perPage = 50;
    int m_total = 0;
    QString m_sort = QStringLiteral("name");
    bool m_descending = false;
};

} // namespace Laces::App
