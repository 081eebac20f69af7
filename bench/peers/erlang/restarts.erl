%% restarts: a permanent child that exits with crash as soon as it starts, restarted by a
%% one_for_one supervisor of high intensity until it has been restarted 20,000 times; prints 20000
-module(restarts).
-behaviour(supervisor).
-export([main/0, init/1, start_child/1]).

-define(RESTARTS, 20000).

%% The child tells main it has started, then crashes (exit/1, as Raft's
%% `exit`: not an error, so the emulator writes no error report for it). The
%% intensity is far above the restarts of a second (period 1 s, Raft's 1000
%% ms): the supervisor never gives up.
init(Main) ->
    {ok, {#{strategy => one_for_one, intensity => 1000000000, period => 1},
          [#{id => child, start => {?MODULE, start_child, [Main]}, restart => permanent}]}}.

start_child(Main) ->
    {ok, spawn_link(fun() -> Main ! started, exit(crash) end)}.

count(0) -> ok;
count(K) -> receive started -> count(K - 1) end.

main() ->
    %% The supervisor logs every restart (a child_terminated report); Raft's
    %% supervisors log nothing, so neither does this one.
    logger:set_primary_config(level, none),
    {ok, _} = supervisor:start_link(?MODULE, self()),
    %% The first start is not a restart.
    count(1),
    count(?RESTARTS),
    io:format("~w~n", [?RESTARTS]),
    halt().
