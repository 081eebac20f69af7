%% fib: naive recursive fib(35) = 9227465
-module(fib).
-export([main/0]).

fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).

main() ->
    io:format("~w~n", [fib(35)]),
    halt().
