%% pairs-tuple: 4 independent ping-pong pairs, 250,000 round trips each of 2-tuples, {ping, Self}
%% out and {pong, N} back; main sums the pairs' last counts; prints 1000000
-module('pairs-tuple').
-export([main/0]).

-define(PAIRS, 4).
-define(N, 250000). % per pair

%% The ponger counts the pings it answers and sends the count back.
pong(N) ->
    receive {ping, From} -> From ! {pong, N + 1}, pong(N + 1) end.

ping(_, 0, Last) -> Last;
ping(Pong, K, _) ->
    Pong ! {ping, self()},
    receive {pong, N} -> ping(Pong, K - 1, N) end.

%% A pinger makes its own ponger, plays its round trips and sends main the
%% last count.
pinger(Main) ->
    Pong = spawn(fun() -> pong(0) end),
    Main ! {done, ping(Pong, ?N, 0)}.

main() ->
    Main = self(),
    [spawn(fun() -> pinger(Main) end) || _ <- lists:seq(1, ?PAIRS)],
    Sum = lists:foldl(fun(_, Acc) -> receive {done, L} -> Acc + L end end,
                      0, lists:seq(1, ?PAIRS)),
    io:format("~w~n", [Sum]),
    halt().
