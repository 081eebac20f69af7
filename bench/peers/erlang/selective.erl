%% selective: 1000 request/reply rounds tagged with make_ref and answered through a selective
%% receive while 10,000 unrelated messages stay queued; main prints the sum of the replies and
%% of the queued messages, taken at the end in order; prints 332833500 49995000
-module(selective).
-export([main/0]).

-define(QUEUED, 10000).
-define(REQUESTS, 1000).

%% The server answers {get, Ref, N, From} with {Ref, N*N}.
server() ->
    receive {get, Ref, N, From} -> From ! {Ref, N * N} end,
    server().

%% Each reply is taken by a selective receive past the 10,000 queued
%% messages. (BEAM's compiler sees that the pattern holds a ref made just
%% before, and the receive looks only at messages that came after it.)
rounds(_, ?REQUESTS, Sum) -> Sum;
rounds(Srv, I, Sum) ->
    Ref = make_ref(),
    Srv ! {get, Ref, I, self()},
    receive {Ref, V} -> rounds(Srv, I + 1, Sum + V) end.

%% The queued messages are all still there, in the order sent.
drain(?QUEUED, Sum) -> Sum;
drain(I, Sum) -> receive {junk, K} when K =:= I -> drain(I + 1, Sum + K) after 0 -> error(out_of_order) end.

main() ->
    Srv = spawn(fun server/0),
    [self() ! {junk, I} || I <- lists:seq(0, ?QUEUED - 1)],
    Replies = rounds(Srv, 0, 0),
    io:format("~w ~w~n", [Replies, drain(0, 0)]),
    halt().
