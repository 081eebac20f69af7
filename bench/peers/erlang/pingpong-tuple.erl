%% pingpong-tuple: 1,000,000 round trips of 2-tuples, {ping, Self} out and {pong, N} back; prints 1000000
-module('pingpong-tuple').
-export([main/0]).

-define(N, 1000000).

%% The ponger counts the pings it answers and sends the count back.
pong(N) ->
    receive {ping, From} -> From ! {pong, N + 1}, pong(N + 1) end.

ping(_, 0, Last) -> Last;
ping(Pong, K, _) ->
    Pong ! {ping, self()},
    receive {pong, N} -> ping(Pong, K - 1, N) end.

main() ->
    Pong = spawn(fun() -> pong(0) end),
    io:format("~w~n", [ping(Pong, ?N, 0)]),
    halt().
