-- The seed's logout transaction; \setrandom is now \set ... random().
\set userid random(1, 200000)
insert into digoal_01.user_logout_rec (userid,logout_time,ip) values (:userid,now(),inet_client_addr());
update digoal_01.user_session set logouttime=now(),online_interval=online_interval+(now()-logintime) where userid=:userid;
