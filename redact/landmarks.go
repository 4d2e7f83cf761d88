package redact

// landmarkNames are named UK facilities and landmarks people mention by
// name alone: hospitals known without their town ("the Royal Free",
// "Alder Hey"), shopping centres, parks and beauty spots. They are places
// (LOCATION) even when every word is an everyday word.
var landmarkNames = lines(`royal free
royal london
royal london hospital
guy's
guys hospital
st thomas'
st thomas' hospital
king's college hospital
kings college hospital
great ormond street
st george's
st george's hospital
whipps cross
northwick park
homerton
lewisham hospital
the maudsley
maudsley
bethlem
broadmoor
rampton
ashworth
addenbrooke's
addenbrookes
papworth
john radcliffe
the john radcliffe
stoke mandeville
alder hey
arrowe park
aintree hospital
broadgreen
royal liverpool
salford royal
wythenshawe
royal oldham
royal bolton
royal preston
royal blackburn
blackpool victoria
furness general
royal lancaster infirmary
cumberland infirmary
northern general
royal hallamshire
hallamshire
jimmy's
st james's university hospital
leeds general infirmary
lgi
pinderfields
airedale
airedale general
calderdale royal
huddersfield royal infirmary
hull royal infirmary
castle hill hospital
james cook
james cook university hospital
freeman hospital
royal victoria infirmary
rvi
sunderland royal
queen elizabeth hospital
queen's medical centre
queens medical centre
qmc
city hospital
nottingham city hospital
king's mill
kings mill
chesterfield royal
royal derby
royal derby hospital
leicester royal infirmary
glenfield hospital
kettering general
northampton general
royal stoke
new cross hospital
russells hall
walsall manor
heartlands
good hope hospital
walsgrave
george eliot
birmingham children's hospital
queen elizabeth hospital birmingham
musgrove park
musgrove park hospital
derriford
southmead
frenchay
bristol royal infirmary
royal united hospital
great western hospital
gloucestershire royal
cheltenham general
worcestershire royal
royal shrewsbury
princess royal
royal devon and exeter
royal cornwall
treliske
torbay hospital
dorset county hospital
royal bournemouth
salisbury district hospital
royal berkshire
wexham park
frimley park
royal surrey
royal sussex county hospital
conquest hospital
darent valley
medway maritime
william harvey
pembury
stoke mandeville
luton and dunstable
watford general
lister hospital
broomfield hospital
basildon hospital
norfolk and norwich
norfolk and norwich university hospital
ipswich hospital
hinchingbrooke
lincoln county
pilgrim hospital
diana princess of wales hospital
doncaster royal infirmary
bassetlaw
glasgow royal infirmary
queen elizabeth university hospital
royal infirmary of edinburgh
western general
ninewells
aberdeen royal infirmary
raigmore
university hospital of wales
morriston
glan clwyd
wrexham maelor
ysbyty gwynedd
royal gwent
royal victoria hospital
ulster hospital
craigavon
altnagelvin
trafford centre
the trafford centre
meadowhall
bullring
the bullring
metrocentre
metro centre
bluewater
westfield
arndale
the arndale
white rose centre
cribbs causeway
merry hill
brent cross
eldon square
liverpool one
silverburn
braehead
highcross
hyde park
regent's park
regents park
hampstead heath
clapham common
richmond park
greenwich park
victoria park
heaton park
sefton park
roundhay park
endcliffe park
wollaton park
cannon hill park
bute park
jesmond dene
ilkley moor
peak district
lake district
yorkshire dales
new forest
snowdonia
dartmoor
exmoor
cotswolds
norfolk broads
blackpool pier
blackpool tower
brighton pier
kirkstall abbey
whitby abbey
scarborough seafront
formby beach
tower bridge
big ben
wembley
old trafford
anfield
etihad
st james' park
st james park
goodison park
villa park
elland road
`)

// pubNames are common British pub names: a place when "the" comes first
// ("went to the Red Lion"), an everyday phrase otherwise.
var pubNames = lines(`red lion
royal oak
white hart
crown
plough
swan
kings arms
king's arms
black horse
white horse
wheatsheaf
rose and crown
nags head
nag's head
railway
george
fox and hounds
queens head
queen's head
kings head
king's head
green man
coach and horses
bell
ship
anchor
white lion
black bull
red cow
golden lion
prince of wales
dog and duck
`)
