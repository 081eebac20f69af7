%% server: 4 clients send 1,000,000 requests in all, {get, Key, Self} and {put, Key, Value, Self},
%% to a server holding 1000 ints, which answers {ok, Value}; prints 25400700000
-module(server).
-export([main/0]).

-define(SLOTS, 1000).
-define(CLIENTS, 4).
-define(REQUESTS, 250000). % per client

%% The server's state is a mutable array of 1000 ints (atomics, Erlang's
%% flat mutable array, used by this process only), slot I holding I at the
%% start. A get answers the slot's value, a put stores the value and answers it.
server() ->
    St = atomics:new(?SLOTS, [{signed, true}]),
    lists:foreach(fun(I) -> atomics:put(St, I + 1, I) end, lists:seq(0, ?SLOTS - 1)),
    server_loop(St).

server_loop(St) ->
    receive
        {put, Key, Val, From} ->
            atomics:put(St, Key + 1, Val),
            From ! {ok, Val};
        {get, Key, From} ->
            From ! {ok, atomics:get(St, Key + 1)}
    end,
    server_loop(St).

%% Client C uses the keys that are C mod 4, so that the clients' puts never
%% touch each other's slots and the sum does not depend on the interleaving.
%% Every fifth request is a put of the request number; the client sums the
%% values answered and sends {done, Sum} to main.
client(Main, Srv, C) -> client(Main, Srv, C, 0, 0).

client(Main, _, _, ?REQUESTS, Sum) -> Main ! {done, Sum};
client(Main, Srv, C, I, Sum) ->
    Key = (I * 13 rem 250) * 4 + C,
    case I rem 5 of
        0 -> Srv ! {put, Key, I, self()};
        _ -> Srv ! {get, Key, self()}
    end,
    receive {ok, V} -> client(Main, Srv, C, I + 1, Sum + V) end.

main() ->
    Main = self(),
    Srv = spawn(fun server/0),
    [spawn(fun() -> client(Main, Srv, C) end) || C <- lists:seq(0, ?CLIENTS - 1)],
    Total = lists:foldl(fun(_, Acc) -> receive {done, S} -> Acc + S end end,
                        0, lists:seq(1, ?CLIENTS)),
    io:format("~w~n", [Total]),
    halt().
