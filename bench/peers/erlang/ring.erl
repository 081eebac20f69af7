%% ring: 1000 processes in a ring pass a token 1,000,000 hops; prints 1000000
-module(ring).
-export([main/0]).

-define(N, 1000).
-define(HOPS, 1000000).

node_init(Main) ->
    receive {next, Next} -> node_loop(Main, Next) end.

node_loop(Main, Next) ->
    receive
        ?HOPS -> Main ! ?HOPS;
        C -> Next ! C + 1, node_loop(Main, Next)
    end.

main() ->
    Main = self(),
    Pids = [spawn(fun() -> node_init(Main) end) || _ <- lists:seq(1, ?N)],
    [First | Rest] = Pids,
    lists:foreach(fun({P, Next}) -> P ! {next, Next} end,
                  lists:zip(Pids, Rest ++ [First])),
    First ! 0,
    receive C -> io:format("~w~n", [C]) end,
    halt().
