<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CommandLine</name>
    <message>
        <source>Ferry desktop manager: queue-based logical replication for PostgreSQL.</source>
        <translation>Ferry 桌面管理器：基于队列的 PostgreSQL 逻辑复制。</translation>
    </message>
    <message>
        <source>Show the user interface in &lt;locale&gt;, e.g. zh_CN or en.</source>
        <translation>以 &lt;语言区域&gt; 指定的语言显示用户界面，例如 zh_CN 或 en。</translation>
    </message>
    <message>
        <source>locale</source>
        <translation>语言区域</translation>
    </message>
    <message>
        <source>Save a picture of the main window to &lt;file&gt; and quit.</source>
        <translation>将主窗口的截图保存到 &lt;文件&gt; 并退出。</translation>
    </message>
    <message>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Cannot write the picture to %1.</source>
        <translation>无法将图片写入 %1。</translation>
    </message>
</context>
<context>
    <name>ferry::gui::EmptyStateWidget</name>
    <message>
        <source>Welcome to Ferry</source>
        <translation>欢迎使用 Ferry</translation>
    </message>
    <message>
        <source>Ferry replicates PostgreSQL tables through a queue: triggers on the source tables record every change, and workers apply the changes to the other nodes in the order they happened.</source>
        <translation>Ferry 通过队列复制 PostgreSQL 表：源表上的触发器记录每一次变更，工作进程按照变更发生的顺序把它们应用到其他节点。</translation>
    </message>
    <message>
        <source>This early version of the desktop manager does not manage replication yet. Connection profiles, the live cascade view, lag charts and the error log arrive with the next releases.</source>
        <translation>此早期版本的桌面管理器尚不能管理复制。连接配置、实时级联视图、延迟图表和错误日志将在后续版本中提供。</translation>
    </message>
</context>
<context>
    <name>ferry::gui::MainWindow</name>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Close the window and quit Ferry</source>
        <translation>关闭窗口并退出 Ferry</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Ferry</source>
        <translation>关于 Ferry(&amp;A)</translation>
    </message>
    <message>
        <source>Show the version of Ferry</source>
        <translation>显示 Ferry 的版本</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>Show the version of Qt</source>
        <translation>显示 Qt 的版本</translation>
    </message>
    <message>
        <source>Not connected to any database</source>
        <translation>未连接任何数据库</translation>
    </message>
    <message>
        <source>About Ferry</source>
        <translation>关于 Ferry</translation>
    </message>
    <message>
        <source>Ferry %1</source>
        <translation>Ferry %1</translation>
    </message>
    <message>
        <source>Trigger-based, queue-based logical replication for PostgreSQL, in the tradition of PgQ and Londiste 3, with a desktop manager.</source>
        <translation>基于触发器和队列的 PostgreSQL 逻辑复制，沿袭 PgQ 与 Londiste 3 的传统，并附带桌面管理器。</translation>
    </message>
</context>
</TS>
