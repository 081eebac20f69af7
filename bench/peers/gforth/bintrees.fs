\ bintrees: a node is two cells (left right); a leaf is a node whose children
\ are 0. Depths 4..16 step 2, 2^(16-d+4) trees each, plus one long-lived tree
\ of depth 16; prints the total number of nodes checked = 14723759.
\ Forth has no GC: each tree is freed after it is checked.
: make ( d -- node )
  2 cells allocate throw >r
  dup 0= if drop  0 r@ !  0 r@ cell+ !  r> exit then
  1- dup recurse r@ !  recurse r@ cell+ !  r> ;

: check ( node -- n )
  dup @ 0= if drop 1 exit then
  dup @ recurse  swap cell+ @ recurse  + 1+ ;

: release ( node -- )
  dup @ if dup @ recurse  dup cell+ @ recurse then
  free throw ;

16 constant maxd
variable total

: main
  0 total !
  maxd make                     ( long )
  maxd 1+ 4 do
    1  maxd i - 4 +  lshift 0 do
      j make  dup check total +!  release
    loop
  2 +loop
  dup check total +!  release
  total @ 0 .r cr ;

main
bye
