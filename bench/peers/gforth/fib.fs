\ fib: naive recursive fib(35) = 9227465
: fib ( n -- f )  dup 2 < if exit then  dup 1- recurse  swap 2 - recurse + ;

35 fib 0 .r cr
bye
