%% pingpong: 1,000,000 round trips between two processes; prints 1000000
-module(pingpong).
-export([main/0]).

-define(N, 1000000).

pong() ->
    receive {ping, From} -> From ! pong, pong() end.

ping(_, 0, Count) -> Count;
ping(Pong, K, Count) ->
    Pong ! {ping, self()},
    receive pong -> ping(Pong, K - 1, Count + 1) end.

main() ->
    Pong = spawn(fun pong/0),
    io:format("~w~n", [ping(Pong, ?N, 0)]),
    halt().
