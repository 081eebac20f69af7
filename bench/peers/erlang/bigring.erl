%% bigring: 100 processes in a ring pass a message {Hop, Tuple-of-1000-ints} 100,000 hops; main then
%% prints the hop count and a weighted checksum of the tuple; prints 100000 333333000
-module(bigring).
-export([main/0]).

-define(N, 100).
-define(ELEMENTS, 1000).
-define(HOPS, 100000).

%% A ring node first receives the pid of the next node, then forwards the
%% message with the hop count one more, until it has gone ?HOPS hops in all;
%% the node that sees the last hop sends the message to main. Every send
%% copies the 1000-element tuple, as Raft copies the array.
node_init(Main) ->
    receive {next, Next} -> node_loop(Main, Next) end.

node_loop(Main, Next) ->
    receive
        {?HOPS, _} = M -> Main ! M;
        {N, A} -> Next ! {N + 1, A}, node_loop(Main, Next)
    end.

main() ->
    Main = self(),
    Pids = [spawn(fun() -> node_init(Main) end) || _ <- lists:seq(1, ?N)],
    [First | Rest] = Pids,
    lists:foreach(fun({P, Next}) -> P ! {next, Next} end,
                  lists:zip(Pids, Rest ++ [First])),
    First ! {0, list_to_tuple(lists:seq(0, ?ELEMENTS - 1))},
    %% The checksum weighs element I by I + 1, so that a reordering shows.
    receive
        {N, B} ->
            Sum = lists:sum([element(I, B) * I || I <- lists:seq(1, ?ELEMENTS)]),
            io:format("~w ~w~n", [N, Sum])
    end,
    halt().
