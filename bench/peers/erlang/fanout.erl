%% fanout: a dispatcher hands 1,000,000 jobs (the digit sum of N) to 8 workers,
%% at most 4 in flight per worker, and sums the results; prints 27000000
-module(fanout).
-export([main/0]).

-define(WORKERS, 8).
-define(WINDOW, 4). % jobs in flight per worker
-define(JOBS, 1000000).

%% A job is {job, N}; the work is the digit sum of N; the answer is
%% {result, Pid, Sum}.
digit_sum(N) -> digit_sum(N, 0).
digit_sum(N, S) when N > 0 -> digit_sum(N div 10, S + N rem 10);
digit_sum(_, S) -> S.

worker(D) ->
    receive {job, N} -> D ! {result, self(), digit_sum(N)} end,
    worker(D).

%% Each worker gets ?WINDOW jobs to start with; each result is answered with
%% the next job for the worker that sent it, until all jobs are out.
main() ->
    D = self(),
    Ws = [spawn(fun() -> worker(D) end) || _ <- lists:seq(1, ?WORKERS)],
    Next = lists:foldl(fun(_, N0) ->
                               lists:foldl(fun(W, N) -> W ! {job, N}, N + 1 end, N0, Ws)
                       end, 0, lists:seq(1, ?WINDOW)),
    io:format("~w~n", [gather(?JOBS, Next, 0)]),
    halt().

gather(0, _, Sum) -> Sum;
gather(K, Next, Sum) ->
    receive
        {result, W, R} ->
            case Next < ?JOBS of
                true -> W ! {job, Next};
                false -> ok
            end,
            gather(K - 1, Next + 1, Sum + R)
    end.
