%% collatz: the start below 1,000,000 with the longest Collatz chain = 837799
-module(collatz).
-export([main/0]).

steps(1, S) -> S;
steps(N, S) when N rem 2 =:= 0 -> steps(N div 2, S + 1);
steps(N, S) -> steps(3 * N + 1, S + 1).

longest(I, Limit, Best, BestLen) when I < Limit ->
    Len = steps(I, 0),
    if
        Len > BestLen -> longest(I + 1, Limit, I, Len);
        true -> longest(I + 1, Limit, Best, BestLen)
    end;
longest(_, _, Best, _) -> Best.

main() ->
    io:format("~w~n", [longest(1, 1000000, 0, 0)]),
    halt().
