// The Tally definition language (see docs/language.md for the reference).
// Only compiler/src/parse_tree_to_ast.cpp sees the parse tree this grammar produces:
// it is turned into Tally's own AST at once.
grammar Tally;

file_ : definition* EOF ;

definition
    : kind=('score' | 'metric') qualifiedName '{' member* '}'             # definitionBlock
    | 'override' qualifiedName 'for' 'region' STRING '{' overrideItem* '}'  # overrideBlock
    | 'function' qualifiedName '(' (functionParam (',' functionParam)*)? ')' ':' typeRef
      (BODY='=' expr | '{' member* BODY='=' expr '}')                     # functionBlock
    | 'table' qualifiedName '{' (tableMember ';'?)* '}'                     # tableBlock
    ;

// A reference table (docs/language.md, "Reference tables"): its schema and its CSV file.
tableMember
    : 'version' value=(VERSION_LIT | FLOAT_LIT | INT_LIT)    # tableVersionMember
    | 'owner' ident                                           # tableOwnerMember
    | 'description' STRING                                    # tableDescriptionMember
    | 'source' STRING                                         # tableSourceMember
    | 'key' name ':' typeRef                                  # tableKeyMember
    | 'column' name ':' typeRef                               # tableColumnMember
    ;

// A user-defined function's parameter (docs/language.md, "User-defined functions").
functionParam : name ':' typeRef ;

qualifiedName : ident ('.' ident)* ;

member
    : 'version' value=(VERSION_LIT | FLOAT_LIT | INT_LIT)    # versionMember
    | 'owner' ident                                           # ownerMember
    | 'description' STRING                                    # descriptionMember
    | 'key' name (',' name)*                                # keyMember
    | 'tags' '[' (STRING (',' STRING)*)? ']'                  # tagsMember
    | 'expires_after' DURATION_LIT                            # expiresMember
    | 'input' name ':' typeRef (formatWord='format' format=STRING)? # inputMember
    | 'param' name (':' typeRef)? '=' literal REGIONAL='regional'? # paramMember
    | 'require' expr                                          # requireMember
    | 'let' name '=' expr                                    # letMember
    | 'output' name ':' typeRef '=' expr                     # outputMember
    | 'group' 'by' name (',' name)*                         # groupMember
    | 'test' STRING '{' testStep* '}'                         # testMember
    // Inputs as they come: how the raw file is read, and columns copied through unchanged.
    | 'format' ident                                          # formatMember
    | 'delimiter' STRING                                      # delimiterMember
    | 'header' ident                                          # headerMember
    | 'columns' name (',' name)*                              # columnsMember
    | 'carry' name (',' name)*                                # carryMember
    ;

overrideItem : name '=' literal ;

typeRef : typeName=IDENT NULLABLE='?'? ;

testStep
    : 'given' binding (',' binding)*                          # givenStep
    | 'expect' 'rejected' STRING?                             # expectRejectedStep
    | 'expect' expectation (',' expectation)*                 # expectStep
    ;

binding : name '=' literal ;
expectation : name '=' literal ('within' literal)? ;

// ANTLR gives earlier alternatives higher precedence: tightest binding first.
// Left-recursive alternatives become loops, so long operator chains do not recurse.
expr
    : expr '.' field=name                                     # fieldExpr
    | fn=qualifiedName '(' (argument (',' argument)*)? ')' window? # callExpr
    | '(' expr ')'                                            # parenExpr
    | exprLiteral                                             # literalExpr
    | name                                                    # nameExpr
    | '-' expr                                                # negateExpr
    | expr op=('*' | '/' | '%') expr                          # multiplicativeExpr
    | expr op=('+' | '-') expr                                # additiveExpr
    | expr NOT='not'? 'in' '[' (expr (',' expr)*)? ']'        # inExpr
    | expr op=('==' | '!=' | '<' | '<=' | '>' | '>=') expr    # compareExpr
    | 'not' expr                                              # notExpr
    | expr op='and' expr                                      # andExpr
    | expr op='or' expr                                       # orExpr
    | 'if' expr 'then' expr 'else' expr                       # ifExpr
    ;

argument : (name '=')? expr ;

// A window aggregate in a score (docs/language.md, "Window aggregates"): `over all` (every
// row of the input) or `over KEY` / `over (KEY, KEY...)` (the rows sharing the keys). `all`
// is read as a plain name here; the parser gives it its meaning.
window : OVER='over' (whole=name | '(' name (',' name)* ')') ;

exprLiteral
    : INT_LIT                                                 # intLiteral
    | FLOAT_LIT                                               # floatLiteral
    | STRING                                                  # stringLiteral
    | ('true' | 'false')                                      # boolLiteral
    | 'null'                                                  # nullLiteral
    // `date "1998-06-30"`: a type name then its text. `date` stays a plain name (an input
    // may be called `date`); the parser accepts only `date` here and checks the text.
    | typeWord=IDENT STRING                                   # typedLiteral
    ;

// Literals written outside expressions (params, overrides, tests) may carry a sign.
literal : MINUS='-'? exprLiteral ;

// Keywords that start a definition, a member or a test step are also names, so an input may
// be called `region`, `version` or `owner` and an output `score` (docs/language.md). Where a
// member may start, the previous expression cannot continue with a name, so a keyword there
// still starts the next member. Expression keywords (if, and, null, ...) are always reserved.
ident : name ;
name
    : IDENT | 'score' | 'metric' | 'override' | 'for' | 'region' | 'regional' | 'by'
    | 'rejected' | 'within' | 'function' | 'table' | 'source' | 'column' | 'over' | memberKeyword
    ;
memberKeyword
    : 'version' | 'owner' | 'description' | 'key' | 'tags' | 'expires_after' | 'input'
    | 'param' | 'require' | 'let' | 'output' | 'group' | 'test' | 'given' | 'expect'
    | 'format' | 'delimiter' | 'header' | 'columns' | 'carry'
    ;

VERSION_LIT  : DIGITS '.' DIGITS '.' DIGITS ('-' [0-9A-Za-z.-]+)? ;
DURATION_LIT : DIGITS [dhw] ;
FLOAT_LIT    : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT ;
INT_LIT      : DIGITS ;
STRING       : '"' (ESC | ~["\\\r\n])* '"' ;
UNTERMINATED_STRING : '"' (ESC | ~["\\\r\n])* ;
IDENT        : [A-Za-z_] [A-Za-z_0-9]* ;

// Comments reach the parser's caller (ast::File::comments, for the outline), not the parser.
LINE_COMMENT : '//' ~[\r\n]* -> channel(HIDDEN) ;
WS           : [ \t\r\n\f]+ -> skip ;
// Anything else becomes one token the parser rejects with a located message.
UNKNOWN_CHAR : . ;

fragment DIGITS   : [0-9]+ ;
fragment EXPONENT : [eE] [+-]? DIGITS ;
// Any character may follow a backslash here; the parser reports an unknown escape at the
// backslash (E-unknown-escape) instead of the lexer calling the string unterminated.
fragment ESC      : '\\' ~[\r\n] ;
