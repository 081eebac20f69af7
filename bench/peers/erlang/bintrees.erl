%% bintrees: a node is a tuple of two children, a leaf the empty tuple.
%% Depths 4..16 step 2, 2^(16-d+4) trees each, plus one long-lived tree of
%% depth 16; prints the total number of nodes checked = 14723759
-module(bintrees).
-export([main/0]).

-define(MAXD, 16).

make(0) -> {};
make(D) -> {make(D - 1), make(D - 1)}.

check({}) -> 1;
check({L, R}) -> 1 + check(L) + check(R).

iterate(0, _, Total) -> Total;
iterate(K, D, Total) -> iterate(K - 1, D, Total + check(make(D))).

depths(D, Total) when D =< ?MAXD ->
    depths(D + 2, iterate(1 bsl (?MAXD - D + 4), D, Total));
depths(_, Total) -> Total.

main() ->
    Long = make(?MAXD),
    Total = depths(4, 0),
    io:format("~w~n", [Total + check(Long)]),
    halt().
