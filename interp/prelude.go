package interp

// prelude holds the library words written in Raft itself. They are compiled
// into every program before its own code, marked as library code (their
// frames are left out of failure traces), and may not be redefined.
// Their state lives in locals, so the quotation they run sees the caller's
// stack as it was, as in Factor.
const prelude = `
: times ( n q -- ) | n q | n 0 do q call loop ;
: each ( arr q -- ) | a q | a len 0 do a i get q call loop ;
: map ( arr q -- arr' ) | a q | a len array | r | a len 0 do a i get q call | y | r i y set loop r ;
: filter ( arr q -- arr' )
  | a q | 0 array | r |
  a len 0 do a i get | x | x q call if r x push then loop r ;
: fold ( arr init q -- acc ) | a acc q | acc a len 0 do a i get q call loop ;
: each-pair ( m q -- ) | m q | m pairs | ps | ps len 0 do ps i get unpack drop q call loop ;
: sort-by ( arr q -- arr' ) (sort-by-check) | a q | a q map a (sort-pairs) ;
: receive-match ( q -- msg )
  | q | 0 | k |
  begin
    k (mailbox-peek) q call if k (mailbox-take) return then
    k 1+ to k
  again ;
: (host-mailbox) ( -- ) begin receive (host-deliver) again ;
`
