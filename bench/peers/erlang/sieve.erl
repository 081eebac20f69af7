%% sieve: number of primes up to 10,000,000 = 664579, with an array of 10M flags.
%% The flags are an `atomics` array, Erlang's mutable fixed-size array of
%% integers (the `array` module is a persistent tree, not a flag array).
-module(sieve).
-export([main/0]).

-define(N, 10000000).

sieve(I, N, Flags, Count) when I =< N ->
    case atomics:get(Flags, I) of
        0 ->
            mark(I * I, N, I, Flags),
            sieve(I + 1, N, Flags, Count + 1);
        _ ->
            sieve(I + 1, N, Flags, Count)
    end;
sieve(_, _, _, Count) -> Count.

mark(J, N, I, Flags) when J =< N ->
    atomics:put(Flags, J, 1),
    mark(J + I, N, I, Flags);
mark(_, _, _, _) -> ok.

main() ->
    Flags = atomics:new(?N, [{signed, false}]),   % index k is the flag of k
    io:format("~w~n", [sieve(2, ?N, Flags, 0)]),
    halt().
