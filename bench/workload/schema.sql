-- The seed's schema (digoal's Londiste 3 walk-through): four tables in schema
-- digoal_01, 200,000 users. Used by the queue and apply benchmarks and the
-- seed scenario tests. Run with: psql -v ON_ERROR_STOP=1 -f schema.sql DB
CREATE SCHEMA IF NOT EXISTS digoal_01;
SET search_path = digoal_01, public;

CREATE TABLE user_info (
    userid     int PRIMARY KEY,
    engname    text,
    cnname     text,
    occupation text,
    birthday   date,
    signname   text,
    email      text,
    qq         numeric,
    crt_time   timestamp without time zone,
    mod_time   timestamp without time zone
);

CREATE TABLE user_session (
    userid          int PRIMARY KEY,
    logintime       timestamp(0) without time zone,
    login_count     bigint DEFAULT 0,
    logouttime      timestamp(0) without time zone,
    online_interval interval DEFAULT '00:00:00'
);

CREATE TABLE user_login_rec (
    userid     int,
    login_time timestamp without time zone,
    ip         inet,
    id         bigserial PRIMARY KEY
);

CREATE TABLE user_logout_rec (
    userid      int,
    logout_time timestamp without time zone,
    ip          inet,
    id          bigserial PRIMARY KEY
);

INSERT INTO user_info (userid, engname, cnname, occupation, birthday, signname, email, qq,
                       crt_time, mod_time)
SELECT i, 'digoal.zhou', '德哥', 'DBA', date '1970-01-01' + (i % 10000), '不想写代码的DBA不是好司机',
       'digoal@126.com', 276732431, clock_timestamp(), NULL
FROM generate_series(1, 200000) AS i;

INSERT INTO user_session (userid) SELECT generate_series(1, 200000);

ANALYZE user_info;
ANALYZE user_session;
