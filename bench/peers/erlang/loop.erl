%% loop: sum of 0..299999999 = 44999999850000000 (fits a small integer)
-module(loop).
-export([main/0]).

sum(I, N, S) when I < N -> sum(I + 1, N, S + I);
sum(_, _, S) -> S.

main() ->
    io:format("~w~n", [sum(0, 300000000, 0)]),
    halt().
