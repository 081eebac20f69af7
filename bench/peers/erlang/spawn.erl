%% spawn: 1,000,000 processes each send 1 to the parent, which sums; prints 1000000
-module(spawn).
-export([main/0]).

-define(N, 1000000).

spawn_all(0, _) -> ok;
spawn_all(K, Parent) ->
    spawn(fun() -> Parent ! 1 end),
    spawn_all(K - 1, Parent).

collect(0, Sum) -> Sum;
collect(K, Sum) -> receive X -> collect(K - 1, Sum + X) end.

main() ->
    %% The parent's mailbox grows to up to 1M messages while it is still
    %% spawning; kept on the heap, every GC of the parent copies the whole
    %% queue (about 50 s instead of 4 s here). off_heap is OTP's documented
    %% setting for a process that receives many messages; the work is the same.
    process_flag(message_queue_data, off_heap),
    spawn_all(?N, self()),
    io:format("~w~n", [collect(?N, 0)]),
    halt().
